namespace Forge.Tests.TrainingPairs;

/// <summary>
/// A read-only body of <paramref name="length"/> bytes, <paramref name="prefix"/> then <paramref name="fill"/> repeated,
/// made as it is read: a 60 MB request without 60 MB in the test's memory. Not seekable, so it is sent without a length.
/// </summary>
public sealed class GeneratedBody(byte[] prefix, byte fill, long length) : Stream
{
    private long position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = (int)Math.Min(count, length - position);
        for (var i = 0; i < n; i++, position++)
        {
            buffer[offset + i] = position < prefix.Length ? prefix[position] : fill;
        }
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
