using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using WText = DocumentFormat.OpenXml.Wordprocessing.Text;

namespace Forge.Tests.Text;

/// <summary>Builds the documents the extraction tests read: DOCX through Open XML, PDF through <see cref="PdfBuilder"/>, zips by hand.</summary>
internal static class TestDocuments
{
    public const string Portuguese = "Cláusula Primeira – São Paulo, ação";

    public static byte[] Docx(Action<Body> fill)
    {
        using var buffer = new MemoryStream();
        using (var document = WordprocessingDocument.Create(buffer, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            main.Document = new Document(new Body());
            fill(main.Document.Body!);
            main.Document.Save();
        }
        return buffer.ToArray();
    }

    public static Paragraph Heading(string text, int level = 1) =>
        new(new ParagraphProperties(new ParagraphStyleId { Val = $"Heading{level}" }), new Run(new WText(text)));

    public static Paragraph Para(params string[] runs) =>
        new(runs.Select(r => (OpenXmlElement)new Run(new WText(r) { Space = SpaceProcessingModeValues.Preserve })));

    public static Table Table(params string[][] rows) =>
        new(rows.Select(cells => (OpenXmlElement)new TableRow(cells.Select(c => (OpenXmlElement)new TableCell(Para(c))))));

    /// <summary>A zip with the DOCX structure and one entry of <paramref name="zeroBytes"/> zeros, written streaming.</summary>
    public static byte[] ZipBomb(long zeroBytes)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            WriteEntry(zip, "[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>""");
            WriteEntry(zip, "word/document.xml", """<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>""");
            using var zeros = zip.CreateEntry("word/media/zeros.bin", CompressionLevel.SmallestSize).Open();
            var chunk = new byte[1024 * 1024];
            for (long written = 0; written < zeroBytes; written += chunk.Length)
            {
                zeros.Write(chunk, 0, (int)Math.Min(chunk.Length, zeroBytes - written));
            }
        }
        return buffer.ToArray();
    }

    public static byte[] Zip(params (string Name, string Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                WriteEntry(zip, name, content);
            }
        }
        return buffer.ToArray();
    }

    private static void WriteEntry(ZipArchive zip, string name, string content)
    {
        using var stream = zip.CreateEntry(name).Open();
        stream.Write(Encoding.UTF8.GetBytes(content));
    }

    /// <summary>A PDF with one page per entry of <paramref name="pages"/>, each line drawn as real text.</summary>
    public static byte[] Pdf(IReadOnlyList<string[]> pages, string? userPassword = null) => PdfBuilder.Text(pages, userPassword);

    /// <summary>A one-page PDF holding only a filled rectangle: no text layer at all.</summary>
    public static byte[] PdfWithoutText() => PdfBuilder.RectangleOnly();
}
