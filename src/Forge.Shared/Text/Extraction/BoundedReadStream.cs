namespace Forge.Shared.Text.Extraction;

/// <summary>
/// Reads through to <paramref name="inner"/> counting the bytes actually delivered, and throws
/// <paramref name="exceeded"/>'s exception once more than <paramref name="limit"/> have been read: a zip
/// entry's declared size can lie, the count cannot.
/// </summary>
internal sealed class BoundedReadStream(Stream inner, long limit, Func<Exception> exceeded) : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        BytesRead += read;
        if (BytesRead > limit)
        {
            throw exceeded();
        }
        return read;
    }

    public override void Flush()
    {
    }

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
