using System.IO.Compression;
using System.IO.Packaging;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Forge.Shared.Text.Extraction;

/// <summary>
/// Word documents: paragraphs and headings in order, a blank line between them, table rows as cells joined
/// by " | ". The zip is measured before the Open XML SDK sees it, so a zip bomb is refused within a bounded size.
/// </summary>
internal static class DocxTextExtractor
{
    public const long MaxUncompressedBytes = 200L * 1024 * 1024;
    /// <summary>XML compresses about 10:1; far beyond that is a crafted archive.</summary>
    private const long MaxCompressionRatio = 200;

    public static async Task<ExtractedText> ExtractAsync(Stream content, CancellationToken cancellationToken)
    {
        await using var seekable = await SeekableCopy.OfAsync(content, cancellationToken);
        try
        {
            CheckZipBounds(seekable.Stream, cancellationToken);
            seekable.Stream.Position = 0;
            using var document = WordprocessingDocument.Open(seekable.Stream, isEditable: false);
            var body = document.MainDocumentPart?.Document?.Body
                ?? throw new TextExtractionException("The DOCX file has no document body");
            var blocks = new List<string>();
            CollectBlocks(body, blocks, cancellationToken);
            return ExtractedText.SinglePage(string.Join("\n\n", blocks), DocumentFormats.Docx);
        }
        catch (Exception ex) when (IsCorruption(ex))
        {
            throw new TextExtractionException("The DOCX file is corrupt", ex);
        }
    }

    /// <summary>
    /// What the zip reader, System.IO.Packaging and the Open XML SDK throw on a damaged file (a fuzz test
    /// found ArgumentException from a malformed content type, for one).
    /// </summary>
    private static bool IsCorruption(Exception ex) => ex is InvalidDataException or FileFormatException or OpenXmlPackageException
        or XmlException or IOException or NotSupportedException or InvalidOperationException or ArgumentException or FormatException;

    /// <summary>
    /// Refuses by the sizes the archive declares (instant for an honest bomb), then inflates every entry with
    /// a running count: declared sizes can lie, and the bound must not rest on how a zip reader treats that.
    /// </summary>
    private static void CheckZipBounds(Stream stream, CancellationToken cancellationToken)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        long declared = 0, compressed = 0;
        foreach (var entry in zip.Entries)
        {
            declared += entry.Length;
            compressed += entry.CompressedLength;
        }
        if (declared > MaxUncompressedBytes)
        {
            throw TooLarge();
        }
        if (declared > 1024 * 1024 && declared > compressed * MaxCompressionRatio)
        {
            throw new TextExtractionException("The DOCX file is compressed abnormally (a zip bomb?)");
        }

        var buffer = new byte[81920];
        long inflated = 0;
        foreach (var entry in zip.Entries)
        {
            using var entryStream = entry.Open();
            int read;
            while ((read = entryStream.Read(buffer)) > 0)
            {
                inflated += read;
                if (inflated > MaxUncompressedBytes)
                {
                    throw TooLarge();
                }
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }

    private static TextExtractionException TooLarge() =>
        new($"The DOCX file expands beyond the {MaxUncompressedBytes / (1024 * 1024)} MB limit");

    private static void CollectBlocks(OpenXmlElement container, List<string> blocks, CancellationToken cancellationToken)
    {
        foreach (var element in container.ChildElements)
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (element)
            {
                case Paragraph paragraph:
                    AddIfNotBlank(blocks, ParagraphText(paragraph));
                    break;
                case Table table:
                    AddIfNotBlank(blocks, TableText(table));
                    break;
                case SdtBlock or SdtContentBlock or CustomXmlBlock:
                    // Content controls wrap ordinary paragraphs and tables.
                    CollectBlocks(element, blocks, cancellationToken);
                    break;
            }
        }
    }

    private static string TableText(Table table)
    {
        var rows = new List<string>();
        foreach (var row in table.Descendants<TableRow>().Where(r => r.Ancestors<Table>().First() == table))
        {
            var cells = row.Elements<TableCell>()
                .Select(cell => string.Join(" ", cell.Elements<Paragraph>().Select(ParagraphText).Where(t => t.Length > 0)));
            var line = string.Join(" | ", cells);
            if (line.Replace("|", "").Trim().Length > 0)
            {
                rows.Add(line);
            }
        }
        return string.Join("\n", rows);
    }

    private static string ParagraphText(Paragraph paragraph)
    {
        var text = new StringBuilder();
        foreach (var element in paragraph.Descendants())
        {
            switch (element)
            {
                case DocumentFormat.OpenXml.Wordprocessing.Text t:
                    text.Append(t.Text);
                    break;
                case TabChar:
                    text.Append('\t');
                    break;
                case Break or CarriageReturn:
                    text.Append('\n');
                    break;
            }
        }
        return TxtTextExtractor.NormalizeNewlines(text.ToString()).Trim();
    }

    private static void AddIfNotBlank(List<string> blocks, string text)
    {
        if (!string.IsNullOrWhiteSpace(text))
        {
            blocks.Add(text);
        }
    }
}
