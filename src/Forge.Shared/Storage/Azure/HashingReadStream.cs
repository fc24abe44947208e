using System.Security.Cryptography;

namespace Forge.Shared.Storage.Azure;

/// <summary>
/// An upload's source as the SDK reads it: the bytes already read ahead (<paramref name="head"/>), then the rest of
/// <paramref name="inner"/>, counted and MD5-hashed on the way. It is deliberately not seekable: the SDK then reads it
/// once, front to back, buffering one block at a time (also for its own retries), so every byte is hashed once, in order.
/// </summary>
internal sealed class HashingReadStream(ReadOnlyMemory<byte> head, Stream inner) : Stream
{
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private ReadOnlyMemory<byte> _head = head;

    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    /// <summary>The MD5 of every byte read so far, base64 as in Content-MD5.</summary>
    public string Md5Base64() => Convert.ToBase64String(_md5.GetCurrentHash());

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = _head.IsEmpty ? inner.Read(buffer) : TakeHead(buffer);
        Record(buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = _head.IsEmpty ? await inner.ReadAsync(buffer, cancellationToken) : TakeHead(buffer.Span);
        Record(buffer.Span[..read]);
        return read;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        // The source belongs to the caller of PutAsync; only the hash is ours.
        if (disposing)
        {
            _md5.Dispose();
        }
        base.Dispose(disposing);
    }

    private int TakeHead(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _head.Length);
        _head.Span[..count].CopyTo(buffer);
        _head = _head[count..];
        return count;
    }

    private void Record(ReadOnlySpan<byte> data)
    {
        _md5.AppendData(data);
        BytesRead += data.Length;
    }
}
