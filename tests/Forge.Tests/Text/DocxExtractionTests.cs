using Forge.Shared.Text;
using Forge.Shared.Text.Extraction;
using static Forge.Tests.Text.CraftedDocx;
using static Forge.Tests.Text.TestDocuments;

namespace Forge.Tests.Text;

public sealed class DocxExtractionTests
{
    private static Task<ExtractedText> Extract(Stream content) =>
        new DocumentTextExtractor(new SystemProcessRunner()).ExtractAsync(content, DocumentFormats.Docx, CancellationToken.None);

    private static Task<ExtractedText> Extract(byte[] bytes) => Extract(new MemoryStream(bytes));

    [Fact]
    public async Task HeadingsParagraphsAndTablesComeInOrder()
    {
        var docx = Docx(body => body.Append(
            Heading("Contrato de Prestação de Serviços"),
            Para("Cláusula Primeira – ", "São Paulo, ação."),
            Para(""),
            Heading("Valores", level: 2),
            Table(["Item", "Preço"], ["Consultoria", "R$ 1.000,00"]),
            Para("Fim.")));

        var extracted = await Extract(docx);

        extracted.Text.Should().Be(
            "Contrato de Prestação de Serviços\n\n" +
            "Cláusula Primeira – São Paulo, ação.\n\n" +
            "Valores\n\n" +
            "Item | Preço\nConsultoria | R$ 1.000,00\n\n" +
            "Fim.");
        extracted.Format.Should().Be("docx");
        extracted.Pages.Should().Equal(new PageSpan(1, 0, extracted.Text.Length));
    }

    [Fact]
    public async Task NonSeekableStreamIsRead()
    {
        using var pipe = new NonSeekableStream(Docx(body => body.Append(Para(Portuguese))));

        (await Extract(pipe)).Text.Should().Be(Portuguese);
    }

    [Fact]
    public async Task ZipBombIsRefusedByItsDeclaredSizeNamingTheLimit()
    {
        var bomb = ZipBomb(300L * 1024 * 1024);
        bomb.Length.Should().BeLessThan(2 * 1024 * 1024, "the bomb is highly compressible");
        DocumentFormats.Detect("bomb.docx", new MemoryStream(bomb)).Format.Should().Be("docx", "it has the DOCX structure");

        var act = () => Extract(bomb);

        (await act.Should().ThrowAsync<TextExtractionException>()).WithMessage("The DOCX file expands beyond the 128 MB limit for a whole document (Forge:Extraction:MaxDocxExpandedBytes)");
    }

    [Fact]
    public async Task AbnormallyCompressedArchiveUnderTheLimitIsRefused()
    {
        var act = () => Extract(ZipBomb(50L * 1024 * 1024));

        (await act.Should().ThrowAsync<TextExtractionException>()).WithMessage("*zip bomb*");
    }

    [Fact]
    public async Task TextPartExpandingBeyondThePartLimitIsRefusedNamingTheLimit()
    {
        var act = () => Extract(ExpandingDocx(33L * 1024 * 1024));

        (await act.Should().ThrowAsync<TextExtractionException>())
            .WithMessage("The DOCX file's text part (word/document.xml) expands beyond the 32 MB limit (Forge:Extraction:MaxDocxPartBytes)");
    }

    [Fact]
    public async Task TextPartLyingAboutItsSizeIsStoppedByTheInflatedByteCount()
    {
        var options = new ExtractionOptions { MaxDocxPartBytes = 4L * 1024 * 1024 };
        var docx = ExpandingDocx(8L * 1024 * 1024, lieAboutSize: true);

        var act = () => new DocumentTextExtractor(new SystemProcessRunner(), options).ExtractAsync(new MemoryStream(docx), DocumentFormats.Docx, CancellationToken.None);

        // .NET's zip reader stops at the declared size, so the XML ends early: corrupt, never 8 MB inflated.
        (await act.Should().ThrowAsync<TextExtractionException>()).WithMessage("The DOCX file is corrupt");
    }

    [Fact]
    public async Task MediaLyingAboutItsSizeIsNeverInflated()
    {
        var bomb = DeclareTinySize(ZipBomb(250L * 1024 * 1024), "word/media/zeros.bin");

        (await Extract(bomb)).Text.Should().BeEmpty("only word/document.xml is read, and it has an empty body");
    }

    [Fact]
    public async Task DeeplyNestedContentControlsFailWithTheDepthLimitInsteadOfOverflowingTheStack()
    {
        var docx = DeeplyNestedDocx(100_000);
        docx.Length.Should().BeGreaterThan(4_000_000, "this is issue 10's stored 4 MB file");

        var act = () => Extract(docx);

        (await act.Should().ThrowAsync<TextExtractionException>()).WithMessage("The DOCX file nests its XML more than 256 levels deep (the limit, Forge:Extraction:MaxDocxXmlDepth)*");
    }

    [Fact]
    public async Task ContentControlsNestedWithinTheLimitAreLookedThrough()
    {
        (await Extract(DeeplyNestedDocx(100, "dentro"))).Text.Should().Be("dentro");
    }

    [Fact]
    public async Task MoreElementsThanTheLimitAreRefusedNamingTheLimit()
    {
        var options = new ExtractionOptions { MaxDocxXmlElements = 1000 };
        var docx = Docx(body => body.Append(Enumerable.Range(0, 400).Select(i => Para($"parágrafo {i}"))));

        var act = () => new DocumentTextExtractor(new SystemProcessRunner(), options).ExtractAsync(new MemoryStream(docx), DocumentFormats.Docx, CancellationToken.None);

        (await act.Should().ThrowAsync<TextExtractionException>()).WithMessage("The DOCX file has more than 1,000 XML elements in word/document.xml (the limit, Forge:Extraction:MaxDocxXmlElements)");
    }

    [Fact]
    public async Task TruncatedDocxIsCorrupt()
    {
        var docx = Docx(body => body.Append(Heading("Título"), Para(Portuguese)));

        var act = () => Extract(docx[..(docx.Length * 2 / 3)]);

        (await act.Should().ThrowAsync<TextExtractionException>()).WithMessage("The DOCX file is corrupt");
    }

    [Fact]
    public async Task DamagedBytesFailOnlyAsTextExtractionErrors()
    {
        var docx = Docx(body => body.Append(Heading("Título"), Para(Portuguese), Table(["a", "b"])));
        var random = new Random(42);
        var escaped = new List<string>();
        for (var attempt = 0; attempt < 400; attempt++)
        {
            // Even attempts damage the zip itself; odd ones the XML inside a well-formed zip.
            var damaged = attempt % 2 == 0 ? Damage(docx.ToArray(), random) : DamageEntries(docx, random);
            try
            {
                await Extract(damaged);
            }
            catch (TextExtractionException)
            {
            }
            catch (Exception ex)
            {
                escaped.Add($"{ex.GetType().Name}: {ex.Message}");
            }
        }

        escaped.Should().BeEmpty();
    }

    [Fact]
    public async Task DocxWithBrokenXmlIsCorrupt()
    {
        var zip = Zip(
            ("[Content_Types].xml", """<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>"""),
            ("word/document.xml", "<w:document"));

        var act = () => Extract(zip);

        (await act.Should().ThrowAsync<TextExtractionException>()).WithMessage("The DOCX file is corrupt");
    }

    private static byte[] Damage(byte[] bytes, Random random)
    {
        var flips = random.Next(1, 8);
        for (var f = 0; f < flips; f++)
        {
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
        }
        return bytes;
    }

    private static byte[] DamageEntries(byte[] docx, Random random)
    {
        using var source = new System.IO.Compression.ZipArchive(new MemoryStream(docx));
        using var output = new MemoryStream();
        using (var target = new System.IO.Compression.ZipArchive(output, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var content = new MemoryStream();
                using (var entryStream = entry.Open())
                {
                    entryStream.CopyTo(content);
                }
                var bytes = content.ToArray();
                using var written = target.CreateEntry(entry.FullName).Open();
                written.Write(bytes.Length > 0 && random.Next(2) == 0 ? Damage(bytes, random) : bytes);
            }
        }
        return output.ToArray();
    }
}
