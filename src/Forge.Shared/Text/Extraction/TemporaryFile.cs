namespace Forge.Shared.Text.Extraction;

/// <summary>
/// A copy of the content in a temporary file readable only by this user (documents are confidential), deleted
/// on dispose. External tools need a path, and large uploads are not buffered in memory.
/// </summary>
internal sealed class TemporaryFile : IAsyncDisposable
{
    private TemporaryFile(string path) => Path = path;

    public string Path { get; }

    public static async Task<TemporaryFile> CopyOfAsync(Stream content, string extension, CancellationToken cancellationToken)
    {
        var file = new TemporaryFile(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"forge-extract-{Guid.NewGuid():N}{extension}"));
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            await using var stream = new FileStream(file.Path, options);
            await content.CopyToAsync(stream, cancellationToken);
            return file;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        File.Delete(Path);
        return ValueTask.CompletedTask;
    }
}
