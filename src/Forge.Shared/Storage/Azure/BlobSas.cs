using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Forge.Shared.Storage.Azure;

/// <summary>
/// Read-only service SAS for one blob, per "Create a service SAS" for versions 2020-12-06 and later:
/// https://learn.microsoft.com/rest/api/storageservices/create-service-sas
/// </summary>
public static class BlobSas
{
    public static string CreateQuery(AzureStorageAccount account, string container, string key, DateTimeOffset expiresOn, string serviceVersion, string? downloadFileName)
    {
        var expiry = expiresOn.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var disposition = string.IsNullOrEmpty(downloadFileName) ? "" : ContentDisposition(downloadFileName);
        // Order and blank lines are fixed by the service: permissions, start, expiry, resource, identifier, IP, protocol,
        // version, resource type, snapshot time, encryption scope, then rscc, rscd, rsce, rscl, rsct.
        var stringToSign = string.Join('\n',
            "r", "", expiry, $"/blob/{account.Name}/{container}/{key}", "", "", "", serviceVersion, "b", "", "",
            "", disposition, "", "", "");
        var signature = Convert.ToBase64String(HMACSHA256.HashData(account.Key, Encoding.UTF8.GetBytes(stringToSign)));

        var query = new StringBuilder()
            .Append("sv=").Append(Uri.EscapeDataString(serviceVersion))
            .Append("&se=").Append(Uri.EscapeDataString(expiry))
            .Append("&sr=b&sp=r");
        if (disposition.Length > 0)
        {
            query.Append("&rscd=").Append(Uri.EscapeDataString(disposition));
        }
        return query.Append("&sig=").Append(Uri.EscapeDataString(signature)).ToString();
    }

    /// <summary>An RFC 6266 attachment header: an ASCII fallback name plus the exact name in <c>filename*</c>.</summary>
    public static string ContentDisposition(string fileName)
    {
        var fallback = new string(fileName.Select(c => c is < ' ' or > '~' or '"' or '\\' ? '_' : c).ToArray());
        return $"attachment; filename=\"{fallback}\"; filename*=UTF-8''{Uri.EscapeDataString(fileName)}";
    }
}
