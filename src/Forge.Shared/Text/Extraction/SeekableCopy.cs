namespace Forge.Shared.Text.Extraction;

/// <summary>The content as a seekable stream: the stream itself when it already is one, else a temporary file.</summary>
public sealed class SeekableCopy : IAsyncDisposable
{
    private readonly TemporaryFile? _file;

    private SeekableCopy(Stream stream, TemporaryFile? file)
    {
        Stream = stream;
        _file = file;
    }

    public Stream Stream { get; }

    public static async Task<SeekableCopy> OfAsync(Stream content, CancellationToken cancellationToken)
    {
        if (content.CanSeek)
        {
            return new SeekableCopy(content, null);
        }
        var file = await TemporaryFile.CopyOfAsync(content, ".tmp", cancellationToken);
        return new SeekableCopy(new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read), file);
    }

    public async ValueTask DisposeAsync()
    {
        if (_file is not null)
        {
            await Stream.DisposeAsync();
            await _file.DisposeAsync();
        }
    }
}
