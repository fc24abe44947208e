using System.Globalization;
using System.IO.Compression;
using System.Xml;

namespace Forge.Shared.Text.Extraction;

/// <summary>
/// Word documents: paragraphs and headings in order, a blank line between them, table rows as cells joined
/// by " | ". Only <c>word/document.xml</c> is inflated, through a byte count that fails past the part limit, and
/// it is read by a streaming XML reader with bounded depth and element count: a zip bomb or a deeply nested
/// document fails its own extraction instead of taking the process's memory or stack with it.
/// </summary>
internal static class DocxTextExtractor
{
    private const string MainPart = "word/document.xml";
    /// <summary>XML compresses about 10:1; far beyond that is a crafted archive.</summary>
    private const long MaxCompressionRatio = 200;

    public static async Task<ExtractedText> ExtractAsync(Stream content, ExtractionOptions options, CancellationToken cancellationToken)
    {
        await using var seekable = await SeekableCopy.OfAsync(content, cancellationToken);
        try
        {
            using var zip = new ZipArchive(seekable.Stream, ZipArchiveMode.Read, leaveOpen: true);
            var main = CheckDeclaredSizes(zip, options);
            using var part = new BoundedReadStream(main.Open(), options.MaxDocxPartBytes, () => PartTooLarge(options));
            using var xml = XmlReader.Create(part, DocxBodyReader.Settings);
            var blocks = new DocxBodyReader(options.MaxDocxXmlDepth, options.MaxDocxXmlElements).Read(xml, cancellationToken);
            return ExtractedText.SinglePage(string.Join("\n\n", blocks), DocumentFormats.Docx);
        }
        catch (Exception ex) when (IsCorruption(ex))
        {
            throw new TextExtractionException("The DOCX file is corrupt", ex);
        }
    }

    /// <summary>What the zip reader and the XML reader throw on a damaged file.</summary>
    private static bool IsCorruption(Exception ex) => ex is InvalidDataException or XmlException or IOException or NotSupportedException
        or InvalidOperationException or ArgumentException or FormatException or System.Text.DecoderFallbackException;

    /// <summary>
    /// Refuses by the sizes the archive declares (instant for an honest bomb) and finds the main part. The
    /// declared sizes are only a first filter: the part is counted again while it is inflated.
    /// </summary>
    private static ZipArchiveEntry CheckDeclaredSizes(ZipArchive zip, ExtractionOptions options)
    {
        long declared = 0, compressed = 0;
        ZipArchiveEntry? main = null;
        foreach (var entry in zip.Entries)
        {
            declared += entry.Length;
            compressed += entry.CompressedLength;
            if (string.Equals(entry.FullName, MainPart, StringComparison.OrdinalIgnoreCase))
            {
                main = entry;
            }
        }
        if (declared > options.MaxDocxExpandedBytes)
        {
            throw new TextExtractionException(
                $"The DOCX file expands beyond the {Megabytes(options.MaxDocxExpandedBytes)} limit for a whole document ({ExtractionOptions.SectionName}:{nameof(ExtractionOptions.MaxDocxExpandedBytes)})");
        }
        if (main is null)
        {
            throw new TextExtractionException("The DOCX file has no document body");
        }
        if (main.Length > options.MaxDocxPartBytes)
        {
            throw PartTooLarge(options);
        }
        if (declared > 1024 * 1024 && declared > compressed * MaxCompressionRatio)
        {
            throw new TextExtractionException("The DOCX file is compressed abnormally (a zip bomb?)");
        }
        return main;
    }

    private static TextExtractionException PartTooLarge(ExtractionOptions options) =>
        new($"The DOCX file's text part ({MainPart}) expands beyond the {Megabytes(options.MaxDocxPartBytes)} limit ({ExtractionOptions.SectionName}:{nameof(ExtractionOptions.MaxDocxPartBytes)})");

    private static string Megabytes(long bytes) => bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MB" : $"{bytes.ToString("N0", CultureInfo.InvariantCulture)}-byte";
}
