namespace Forge.Tests.Storage;

/// <summary>A clock that reads real time unless a test moves it, so signed URLs can be made already expired.</summary>
public sealed class TestClock : TimeProvider
{
    private DateTimeOffset? _now;

    public override DateTimeOffset GetUtcNow() => _now ?? base.GetUtcNow();

    public IDisposable TravelTo(DateTimeOffset now)
    {
        _now = now;
        return new Return(this);
    }

    private sealed class Return(TestClock clock) : IDisposable
    {
        public void Dispose() => clock._now = null;
    }
}

/// <summary>Hides Length and Seek, as an upload or network stream does, so adapters cannot rely on them.</summary>
public sealed class NonSeekableStream(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>Yields <paramref name="failAfter"/> bytes, then fails like a dropped upload connection.</summary>
public sealed class FailingStream(int failAfter) : Stream
{
    private int _sent;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_sent >= failAfter)
        {
            throw new IOException("The upload connection was lost.");
        }
        var n = Math.Min(count, failAfter - _sent);
        Array.Fill(buffer, (byte)'x', offset, n);
        _sent += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
