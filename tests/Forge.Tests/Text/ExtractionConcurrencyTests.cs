using Forge.Shared.Text.Extraction;

namespace Forge.Tests.Text;

/// <summary>The process-wide bound on extractions running at once (<see cref="ExtractionOptions.MaxConcurrentExtractions"/>).</summary>
public sealed class ExtractionConcurrencyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task NoMoreExtractionsRunAtOnceThanTheLimit(int limit)
    {
        var extractor = new DocumentTextExtractor(new SystemProcessRunner(), new ExtractionOptions { MaxConcurrentExtractions = limit });
        var probe = new ConcurrencyProbe();
        var streams = Enumerable.Range(0, 3).Select(_ => new GatedStream("Texto simples."u8.ToArray(), probe)).ToList();

        var extractions = streams.Select(s => extractor.ExtractAsync(s, DocumentFormats.Txt, CancellationToken.None)).ToList();
        // Every extraction allowed in has started reading; the others, if any, wait for a slot.
        await probe.WaitForReadersAsync(limit);
        await Task.Delay(300);
        var runningWhileGated = probe.Current;
        foreach (var stream in streams)
        {
            stream.Open();
        }
        var results = await Task.WhenAll(extractions);

        runningWhileGated.Should().Be(limit);
        probe.Peak.Should().Be(limit);
        results.Should().OnlyContain(r => r.Text == "Texto simples.");
    }

    [Fact]
    public async Task AWaitingExtractionCanBeCancelled()
    {
        var extractor = new DocumentTextExtractor(new SystemProcessRunner(), new ExtractionOptions { MaxConcurrentExtractions = 1 });
        var probe = new ConcurrencyProbe();
        var holder = new GatedStream("a"u8.ToArray(), probe);
        var holding = extractor.ExtractAsync(holder, DocumentFormats.Txt, CancellationToken.None);
        await probe.WaitForReadersAsync(1);
        using var cancel = new CancellationTokenSource();

        var waiting = extractor.ExtractAsync(new MemoryStream("b"u8.ToArray()), DocumentFormats.Txt, cancel.Token);
        await cancel.CancelAsync();

        await waiting.Invoking(w => w).Should().ThrowAsync<OperationCanceledException>();
        holder.Open();
        (await holding).Text.Should().Be("a");
    }

    private sealed class ConcurrencyProbe
    {
        private int _current;
        private int _peak;

        public int Current => Volatile.Read(ref _current);
        public int Peak => Volatile.Read(ref _peak);

        public void Enter()
        {
            var now = Interlocked.Increment(ref _current);
            int peak;
            while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
            {
            }
        }

        public void Exit() => Interlocked.Decrement(ref _current);

        public Task WaitForReadersAsync(int count) => Infrastructure.Poll.UntilAsync(() => Task.FromResult(Current), c => c >= count, $"{count} extractions reading");
    }

    /// <summary>A non-seekable stream whose first read blocks until <see cref="Open"/>; counted as running from that read to its end.</summary>
    private sealed class GatedStream(byte[] bytes, ConcurrencyProbe probe) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _entered;
        private bool _exited;

        public void Open() => _gate.TrySetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_entered)
            {
                _entered = true;
                probe.Enter();
                await _gate.Task.WaitAsync(cancellationToken);
            }
            var read = _inner.Read(buffer.Span);
            if (read == 0 && !_exited)
            {
                _exited = true;
                probe.Exit();
            }
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
