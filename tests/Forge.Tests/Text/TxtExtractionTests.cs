using System.Text;
using Forge.Shared.Text;
using Forge.Shared.Text.Extraction;
using static Forge.Tests.Text.TestDocuments;

namespace Forge.Tests.Text;

public sealed class TxtExtractionTests
{
    private const string Content = Portuguese + "\r\nSegunda linha.\rTerceira linha.\n";
    private const string Expected = Portuguese + "\nSegunda linha.\nTerceira linha.\n";

    private static Task<ExtractedText> Extract(byte[] bytes) =>
        new DocumentTextExtractor(new SystemProcessRunner()).ExtractAsync(new MemoryStream(bytes), DocumentFormats.Txt, CancellationToken.None);

    [Theory]
    [InlineData("utf-8", true)]
    [InlineData("utf-8", false)]
    [InlineData("utf-16", true)]
    [InlineData("utf-16", false)]
    [InlineData("utf-16BE", true)]
    [InlineData("utf-16BE", false)]
    [InlineData("windows-1252", false)]
    public async Task EachEncodingDecodesToTheSameTextWithNewlinesNormalized(string encoding, bool withBom)
    {
        var codec = DocumentFormatsTests.EncodingByName(encoding);
        var bytes = (withBom ? codec.GetPreamble() : []).Concat(codec.GetBytes(Content)).ToArray();
        if (withBom)
        {
            bytes.Length.Should().BeGreaterThan(codec.GetByteCount(Content), "the test must really carry a BOM");
        }

        var extracted = await Extract(bytes);

        extracted.Text.Should().Be(Expected);
        extracted.Format.Should().Be("txt");
        extracted.Pages.Should().Equal(new PageSpan(1, 0, Expected.Length));
    }

    [Fact]
    public async Task Latin1AccentsAreKept()
    {
        const string latin1 = "Cláusula Primeira - São Paulo, ação, coração";

        var extracted = await Extract(Encoding.Latin1.GetBytes(latin1));

        extracted.Text.Should().Be(latin1);
    }

    [Fact]
    public async Task BinaryContentFailsWithAClearReason()
    {
        var bytes = new byte[1024];
        new Random(11).NextBytes(bytes);
        bytes[10] = 0;
        bytes[21] = 0;

        var act = () => Extract(bytes);

        (await act.Should().ThrowAsync<TextExtractionException>()).WithMessage("*binary*");
    }

    [Fact]
    public async Task NonSeekableStreamIsRead()
    {
        using var pipe = new NonSeekableStream(Encoding.UTF8.GetBytes(Portuguese));

        var extracted = await new DocumentTextExtractor(new SystemProcessRunner()).ExtractAsync(pipe, DocumentFormats.Txt, CancellationToken.None);

        extracted.Text.Should().Be(Portuguese);
    }
}

/// <summary>A forward-only stream, as an HTTP request body is.</summary>
internal sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
{
    public override bool CanSeek => false;

    public override long Position { get => base.Position; set => throw new NotSupportedException(); }

    public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
}
