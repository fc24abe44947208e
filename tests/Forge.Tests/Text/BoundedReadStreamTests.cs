using Forge.Shared.Text.Extraction;

namespace Forge.Tests.Text;

/// <summary>The inflated-byte count that bounds a DOCX part whatever its zip headers declare.</summary>
public sealed class BoundedReadStreamTests
{
    [Fact]
    public void ReadingPastTheLimitThrowsTheGivenException()
    {
        using var stream = new BoundedReadStream(new MemoryStream(new byte[10_000]), 4096, () => new TextExtractionException("too big"));
        var buffer = new byte[1000];

        var act = () =>
        {
            while (stream.Read(buffer, 0, buffer.Length) > 0)
            {
            }
        };

        act.Should().Throw<TextExtractionException>().WithMessage("too big");
        stream.BytesRead.Should().BeLessThanOrEqualTo(4096 + buffer.Length);
    }

    [Fact]
    public void ContentWithinTheLimitIsReadWhole()
    {
        using var stream = new BoundedReadStream(new MemoryStream(new byte[4096]), 4096, () => new TextExtractionException("too big"));

        using var copy = new MemoryStream();
        stream.CopyTo(copy);

        copy.Length.Should().Be(4096);
    }
}
