using System.Text;
using Forge.Shared.Text;
using Forge.Shared.Text.Extraction;
using static Forge.Tests.Text.TestDocuments;

namespace Forge.Tests.Text;

/// <summary>Runs the real <c>pdftotext</c> (poppler-utils, installed by scripts/setup.sh) over PDFs built by PdfSharp.</summary>
public sealed class PdfExtractionTests
{
    private static Task<ExtractedText> Extract(byte[] bytes, IProcessRunner? runner = null) =>
        new DocumentTextExtractor(runner ?? new SystemProcessRunner()).ExtractAsync(new MemoryStream(bytes), DocumentFormats.Pdf, CancellationToken.None);

    [Fact]
    public async Task ThreePagesKeepTheirNumbersOffsetsAndAccents()
    {
        var pdf = Pdf([
            [Portuguese, "Primeira página."],
            ["Cláusula Segunda – Rio de Janeiro, função."],
            ["Cláusula Terceira – Belém, informação."],
        ]);

        var extracted = await Extract(pdf);

        extracted.Format.Should().Be("pdf");
        extracted.Pages.Select(p => p.Number).Should().Equal(1, 2, 3);
        var pages = extracted.Pages.Select(p => extracted.Text.Substring(p.Start, p.Length)).ToList();
        pages[0].Should().Contain(Portuguese).And.Contain("Primeira página.");
        pages[1].Should().Contain("Cláusula Segunda – Rio de Janeiro, função.");
        pages[2].Should().Contain("Cláusula Terceira – Belém, informação.");
        extracted.Text.Should().NotContain("\f").And.NotContain("\r");
        extracted.Pages[0].Start.Should().Be(0);
        extracted.Pages[1].Start.Should().Be(extracted.Pages[0].Length + 2, "pages are joined by a blank line");
        extracted.Pages[^1].Start.Should().Be(extracted.Text.Length - extracted.Pages[^1].Length);
        extracted.PageAt(extracted.Text.IndexOf("Belém", StringComparison.Ordinal)).Should().Be(3);
    }

    [Fact]
    public async Task EncryptedPdfFails()
    {
        var act = () => Extract(Pdf([[Portuguese]], userPassword: "segredo"));

        (await act.Should().ThrowAsync<TextExtractionException>()).WithMessage("The PDF is encrypted");
    }

    [Fact]
    public async Task TheEncryptedTestPdfIsRealEncryptionThatItsPasswordOpens()
    {
        var path = Path.Combine(Path.GetTempPath(), $"forge-test-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, Pdf([[Portuguese]], userPassword: "segredo"));
        try
        {
            var runner = new SystemProcessRunner();
            var withPassword = await runner.RunAsync("pdftotext", ["-upw", "segredo", "-enc", "UTF-8", path, "-"], TimeSpan.FromSeconds(30), CancellationToken.None);
            var without = await runner.RunAsync("pdftotext", ["-enc", "UTF-8", path, "-"], TimeSpan.FromSeconds(30), CancellationToken.None);

            withPassword.ExitCode.Should().Be(0);
            withPassword.StandardOutput.Should().Contain(Portuguese);
            without.ExitCode.Should().NotBe(0);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task PdfWithoutTextFailsAsHavingNoTextLayer()
    {
        var act = () => Extract(PdfWithoutText());

        (await act.Should().ThrowAsync<TextExtractionException>()).WithMessage("The PDF has no text layer (scanned images?)");
    }

    [Fact]
    public async Task CorruptPdfFailsClearly()
    {
        var garbage = new byte[8192];
        new Random(5).NextBytes(garbage);
        var corrupt = Encoding.ASCII.GetBytes("%PDF-1.7\n").Concat(garbage).ToArray();
        DocumentFormats.Detect("x.pdf", new MemoryStream(corrupt)).Format.Should().Be("pdf", "only the header is checked at upload");

        var act = () => Extract(corrupt);

        (await act.Should().ThrowAsync<TextExtractionException>()).WithMessage("The PDF is corrupt or unreadable");
    }

    [Fact]
    public async Task TruncatedPdfFailsClearly()
    {
        var pdf = Pdf([[Portuguese], ["Segunda."]]);

        var act = () => Extract(pdf[..(pdf.Length / 3)]);

        (await act.Should().ThrowAsync<TextExtractionException>()).WithMessage("The PDF *");
    }

    [Fact]
    public async Task MissingPdftotextIsAConfigurationError()
    {
        var act = () => Extract(Pdf([["Olá"]]), new MissingProgramRunner());

        (await act.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*scripts/setup.sh*");
    }

    [Fact]
    public async Task TheTemporaryFileIsDeleted()
    {
        var runner = new RecordingRunner(new SystemProcessRunner());

        await Extract(Pdf([["Olá"]]), runner);

        runner.Arguments.Should().Contain(a => a.EndsWith(".pdf"));
        File.Exists(runner.Arguments.Single(a => a.EndsWith(".pdf"))).Should().BeFalse();
    }

    [Fact]
    public async Task EmptyPagesKeepTheirNumber()
    {
        var extracted = await Extract(Pdf([["x"]]), new FixedOutputRunner("um\f\fTrês\r\n\f"));

        extracted.Text.Should().Be("um\n\n\n\nTrês");
        extracted.Pages.Should().Equal(new PageSpan(1, 0, 2), new PageSpan(2, 4, 0), new PageSpan(3, 6, 4));
    }

    private sealed class MissingProgramRunner : IProcessRunner
    {
        public Task<ProcessResult> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
            throw new ProgramNotFoundException(program);
    }

    private sealed class FixedOutputRunner(string output) : IProcessRunner
    {
        public Task<ProcessResult> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
            Task.FromResult(new ProcessResult(0, output, ""));
    }

    private sealed class RecordingRunner(IProcessRunner inner) : IProcessRunner
    {
        public IReadOnlyList<string> Arguments { get; private set; } = [];

        public Task<ProcessResult> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
        {
            Arguments = arguments;
            return inner.RunAsync(program, arguments, timeout, cancellationToken);
        }
    }
}
