using System.Text;
using Forge.Shared.Text.Extraction;
using static Forge.Tests.Text.CraftedDocx;
using static Forge.Tests.Text.TestDocuments;

namespace Forge.Tests.Text;

public sealed class DocumentFormatsTests
{
    private static FormatDetection Detect(string fileName, byte[] content) => DocumentFormats.Detect(fileName, new MemoryStream(content));

    [Fact]
    public void PdfNamedPdfIsDetected()
    {
        Detect("contrato.PDF", Pdf([["Olá"]])).Format.Should().Be(DocumentFormats.Pdf);
    }

    [Fact]
    public void DocxBuiltWithOpenXmlIsDetected()
    {
        Detect("contrato.docx", Docx(body => body.Append(Para("Olá")))).Format.Should().Be(DocumentFormats.Docx);
    }

    [Theory]
    [InlineData("utf-8")]
    [InlineData("utf-16")]
    [InlineData("utf-16BE")]
    [InlineData("windows-1252")]
    public void TextInAnySupportedEncodingIsDetected(string encoding)
    {
        var bytes = EncodingByName(encoding).GetBytes(Portuguese + "\r\nSegunda linha.");

        Detect("notas.txt", bytes).Format.Should().Be(DocumentFormats.Txt);
    }

    [Fact]
    public void GarbageNamedPdfIsRefused()
    {
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);

        var detection = Detect("scan.pdf", garbage);

        detection.Format.Should().BeNull();
        detection.Reason.Should().Contain("not a PDF");
    }

    [Fact]
    public void PdfNamedDocxIsRefused()
    {
        var detection = Detect("contrato.docx", Pdf([["Olá"]]));

        detection.IsSupported.Should().BeFalse();
        detection.Reason.Should().Contain("not a zip");
    }

    [Fact]
    public void DocxNamedPdfIsRefused()
    {
        Detect("contrato.pdf", Docx(body => body.Append(Para("Olá")))).IsSupported.Should().BeFalse();
    }

    [Fact]
    public void ZipNamedTxtIsRefused()
    {
        var detection = Detect("notas.txt", Zip(("a.txt", "hello")));

        detection.IsSupported.Should().BeFalse();
        detection.Reason.Should().Contain("zip archive");
    }

    [Fact]
    public void ZipWithoutWordDocumentNamedDocxIsRefused()
    {
        var detection = Detect("planilha.docx", Zip(("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>")));

        detection.IsSupported.Should().BeFalse();
        detection.Reason.Should().Contain("word/document.xml");
    }

    [Fact]
    public void TruncatedDocxIsRefused()
    {
        var docx = Docx(body => body.Append(Para("Olá")));

        Detect("contrato.docx", docx[..(docx.Length / 2)]).Reason.Should().Contain("corrupt");
    }

    [Fact]
    public void ExecutableIsRefusedByExtension()
    {
        var detection = Detect("setup.exe", [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00]);

        detection.IsSupported.Should().BeFalse();
        detection.Reason.Should().Contain(".exe").And.Contain(".pdf, .docx and .txt");
    }

    [Fact]
    public void ExecutableRenamedTxtIsRefused()
    {
        var exe = new byte[2048];
        new Random(3).NextBytes(exe);
        exe[0] = 0x4D;
        exe[1] = 0x5A;
        exe[2] = 0x00;

        Detect("leia-me.txt", exe).Reason.Should().Contain("binary");
    }

    [Fact]
    public void FileWithoutExtensionIsRefused()
    {
        Detect("contrato", Encoding.UTF8.GetBytes("texto")).Reason.Should().Contain("no extension");
    }

    [Fact]
    public void DetectionRestoresTheStreamPosition()
    {
        var stream = new MemoryStream(Docx(body => body.Append(Para("Olá"))));

        DocumentFormats.Detect("contrato.docx", stream);

        stream.Position.Should().Be(0);
    }

    [Fact]
    public void HeadOverloadAgreesOnEachFormat()
    {
        DocumentFormats.Detect("a.pdf", Pdf([["Olá"]])).Format.Should().Be(DocumentFormats.Pdf);
        DocumentFormats.Detect("a.docx", Docx(body => body.Append(Para("Olá")))).Format.Should().Be(DocumentFormats.Docx);
        DocumentFormats.Detect("a.txt", Encoding.UTF8.GetBytes(Portuguese)).Format.Should().Be(DocumentFormats.Txt);
        DocumentFormats.Detect("a.txt", Zip(("a.txt", "x"))).Format.Should().BeNull();
        DocumentFormats.Detect("a.docx", Pdf([["Olá"]])).Format.Should().BeNull();
    }

    internal static Encoding EncodingByName(string name) => name == "windows-1252"
        ? CodePagesEncodingProvider.Instance.GetEncoding(1252)!
        : Encoding.GetEncoding(name);
}
