using System.Globalization;
using System.Xml.Linq;

namespace Forge.Shared.Storage.Azure;

/// <summary>One page of a List Blobs response: https://learn.microsoft.com/rest/api/storageservices/list-blobs</summary>
public sealed record ListBlobsPage(IReadOnlyList<BlobItem> Items, string? NextMarker)
{
    public static ListBlobsPage Parse(Stream xml)
    {
        var document = XDocument.Load(xml);
        var root = document.Root ?? throw new FormatException("List Blobs returned an empty document.");
        var items = root.Element("Blobs")?.Elements("Blob").Select(blob =>
        {
            var properties = blob.Element("Properties");
            return new BlobItem(
                blob.Element("Name")?.Value ?? throw new FormatException("List Blobs returned a blob without a name."),
                long.Parse(properties?.Element("Content-Length")?.Value ?? "0", CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(properties?.Element("Last-Modified")?.Value ?? "", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
        }).ToList() ?? [];
        var marker = root.Element("NextMarker")?.Value;
        return new ListBlobsPage(items, string.IsNullOrEmpty(marker) ? null : marker);
    }
}
