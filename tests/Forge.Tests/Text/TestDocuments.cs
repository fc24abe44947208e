using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using WText = DocumentFormat.OpenXml.Wordprocessing.Text;

namespace Forge.Tests.Text;

/// <summary>Builds the documents the extraction tests read: DOCX through Open XML, PDF through <see cref="PdfBuilder"/>; crafted zips are <see cref="CraftedDocx"/>.</summary>
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

    /// <summary>A PDF with one page per entry of <paramref name="pages"/>, each line drawn as real text.</summary>
    public static byte[] Pdf(IReadOnlyList<string[]> pages, string? userPassword = null) => PdfBuilder.Text(pages, userPassword);

    /// <summary>A one-page PDF holding only a filled rectangle: no text layer at all.</summary>
    public static byte[] PdfWithoutText() => PdfBuilder.RectangleOnly();
}
