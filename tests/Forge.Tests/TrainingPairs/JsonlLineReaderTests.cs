using System.Text;
using Forge.Functions.Hosting;
using Forge.Functions.TrainingPairs;

namespace Forge.Tests.TrainingPairs;

public sealed class JsonlLineReaderTests
{
    /// <summary>A stream that hands out at most <paramref name="chunk"/> bytes per read, as a slow network does.</summary>
    private sealed class Trickle(byte[] bytes, int chunk) : MemoryStream(bytes)
    {
        public int LargestRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Track(base.Read(buffer, offset, Math.Min(count, chunk)));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer, offset, count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Track(base.Read(buffer.Span[..Math.Min(buffer.Length, chunk)])));

        private int Track(int n)
        {
            LargestRead = Math.Max(LargestRead, n);
            return n;
        }
    }

    private static async Task<List<JsonlLine>> ReadAsync(string text, int maxLine = 16, long maxBytes = 1 << 20, int chunk = 3)
    {
        var lines = new List<JsonlLine>();
        await foreach (var line in new JsonlLineReader(new Trickle(Encoding.UTF8.GetBytes(text), chunk), maxLine, maxBytes).ReadAsync(CancellationToken.None))
        {
            lines.Add(line);
        }
        return lines;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public async Task LinesSplitAcrossReadsComeOutWholeAndNumbered(int chunk)
    {
        var lines = await ReadAsync("\uFEFF{\"a\":\"ção\"}\r\n\n[1,2]\nlast", maxLine: 64, chunk: chunk);

        lines.Should().Equal(new JsonlLine(1, "{\"a\":\"ção\"}"), new JsonlLine(2, ""), new JsonlLine(3, "[1,2]"), new JsonlLine(4, "last"));
    }

    [Fact]
    public async Task ALineOverTheLimitHasNoTextAndTheNextLinesStillCome()
    {
        var lines = await ReadAsync($"{new string('x', 16)}\n{new string('y', 17)}\nok\n{new string('z', 40)}", maxLine: 16);

        lines.Should().Equal(new JsonlLine(1, new string('x', 16)), new JsonlLine(2, null), new JsonlLine(3, "ok"), new JsonlLine(4, null));
    }

    [Fact]
    public async Task AMultiMegabyteLineIsReadPastWithoutBeingKept()
    {
        var body = "{\"a\":1}\n" + new string('a', 8 << 20) + "\n{\"b\":2}\n";
        var source = new Trickle(Encoding.UTF8.GetBytes(body), 64 * 1024);
        var lines = new List<JsonlLine>();
        var before = GC.GetAllocatedBytesForCurrentThread();

        await foreach (var line in new JsonlLineReader(source, 1024, 64L << 20).ReadAsync(CancellationToken.None))
        {
            lines.Add(line);
        }

        lines.Should().Equal(new JsonlLine(1, "{\"a\":1}"), new JsonlLine(2, null), new JsonlLine(3, "{\"b\":2}"));
        // Allocation, not time: 8 MB decoded to a string would be 16 MB; reading past it costs a few pipe segments.
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(2 << 20);
    }

    [Fact]
    public async Task MoreBytesThanTheBodyLimitIs413WhereverTheLinesBreak()
    {
        var within = await ReadAsync("ab\ncd\n", maxBytes: 6);
        var over = () => ReadAsync("ab\ncd\ne", maxBytes: 6);
        var overInOneLongLine = () => ReadAsync(new string('a', 100), maxLine: 16, maxBytes: 50);

        within.Should().HaveCount(2);
        (await over.Should().ThrowAsync<ForgeApiException>()).Which.StatusCode.Should().Be(413);
        (await overInOneLongLine.Should().ThrowAsync<ForgeApiException>()).Which.StatusCode.Should().Be(413);
    }
}
