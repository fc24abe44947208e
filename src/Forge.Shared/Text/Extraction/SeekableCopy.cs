namespace Forge.Shared.Text.Extraction;

/// <summary>
/// The content as a seekable stream: the stream itself when it already is one, else a temporary file that is
/// deleted on dispose (uploads can be large; they are not buffered in memory).
/// </summary>
internal sealed class SeekableCopy : IAsyncDisposable
{
    private readonly string? _tempPath;

    private SeekableCopy(Stream stream, string? tempPath)
    {
        Stream = stream;
        _tempPath = tempPath;
    }

    public Stream Stream { get; }

    /// <summary>The path of a file holding the content (always a temporary file, for external tools).</summary>
    public static async Task<(string Path, IAsyncDisposable Cleanup)> ToTempFileAsync(Stream content, string extension, CancellationToken cancellationToken)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"forge-extract-{Guid.NewGuid():N}{extension}");
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
        {
            await content.CopyToAsync(file, cancellationToken);
        }
        return (path, new SeekableCopy(Stream.Null, path));
    }

    public static async Task<SeekableCopy> OfAsync(Stream content, CancellationToken cancellationToken)
    {
        if (content.CanSeek)
        {
            return new SeekableCopy(content, null);
        }
        var (path, _) = await ToTempFileAsync(content, ".tmp", cancellationToken);
        return new SeekableCopy(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read), path);
    }

    public async ValueTask DisposeAsync()
    {
        if (_tempPath is null)
        {
            return;
        }
        await Stream.DisposeAsync();
        File.Delete(_tempPath);
    }
}
