using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Forge.Shared.Storage;

/// <summary>
/// Blobs as files under <c>root</c>, key = relative path. Writes go to a temp file in the target folder
/// and are renamed into place, so a reader or a crash never sees a half-written blob under its real name.
/// An explicit content type is kept in a sidecar file; otherwise it comes from the extension.
/// </summary>
public sealed class FileSystemBlobStore(string root, BlobUrlSigner signer) : IBlobStore
{
    private const int BufferSize = 81920;
    private readonly string _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));

    public async Task<BlobWriteResult> PutAsync(string key, Stream content, string? contentType = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = PathFor(key);
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $"{BlobKey.ReservedPrefix}{Guid.NewGuid():N}~{Path.GetFileName(path)}");
        try
        {
            var (size, md5) = await WriteFileAsync(temp, content, cancellationToken);
            File.Move(temp, path, overwrite: true);
            await WriteContentTypeAsync(path, contentType, cancellationToken);
            var info = new FileInfo(path);
            return new BlobWriteResult(key, size, md5, ETagOf(info));
        }
        finally
        {
            // After a successful move the temp name is gone; after a failure it must not linger.
            File.Delete(temp);
        }
    }

    public async Task<BlobDownload> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathFor(key);
        FileStream stream;
        try
        {
            // Delete sharing lets a concurrent overwrite rename over the file while a download is still reading the old one.
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException && !File.Exists(path))
        {
            throw new BlobNotFoundException(key);
        }
        // The open stream's length is the truth even if the file was replaced since it was opened.
        var properties = await PropertiesOf(key, path, new FileInfo(path), cancellationToken);
        return new BlobDownload(stream, properties with { Size = stream.Length });
    }

    public async Task<BlobProperties?> GetPropertiesAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathFor(key);
        var info = new FileInfo(path);
        return info.Exists ? await PropertiesOf(key, path, info, cancellationToken) : null;
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathFor(key);
        var existed = File.Exists(path);
        // Empty parent folders are left in place: removing them would race with a concurrent put into the same folder.
        DeleteIfPresent(path);
        DeleteIfPresent(ContentTypePath(path));
        return Task.FromResult(existed);
    }

    public async IAsyncEnumerable<BlobItem> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobKey.ValidatePrefix(prefix);
        var slash = prefix.LastIndexOf('/');
        var folder = slash < 0 ? _root : Path.Combine(_root, prefix[..slash].Replace('/', Path.DirectorySeparatorChar));
        if (!Directory.Exists(folder))
        {
            yield break;
        }
        // Directory enumeration blocks; yield first so the caller's thread is not held by it.
        await Task.Yield();
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 };
        var names = new List<(string Name, FileInfo Info)>();
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", options))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (file.Name.StartsWith(BlobKey.ReservedPrefix, StringComparison.Ordinal))
            {
                continue;
            }
            var name = Path.GetRelativePath(_root, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                names.Add((name, file));
            }
        }
        // Only names are held, never contents; sorting gives the same order as Azure's listing.
        foreach (var (name, info) in names.OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            yield return new BlobItem(name, info.Length, info.LastWriteTimeUtc);
        }
    }

    public Uri GetDownloadUrl(string key, TimeSpan validFor, string? downloadFileName = null) =>
        signer.CreateUrl(key, validFor, downloadFileName);

    /// <summary>Maps a validated key under the root; the final check keeps even an unforeseen key from escaping it.</summary>
    private string PathFor(string key)
    {
        BlobKey.Validate(key);
        var path = Path.GetFullPath(Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar)));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Blob key '{key}' does not map to a path inside the blob root.", nameof(key));
        }
        return path;
    }

    private static async Task<(long Size, string Md5)> WriteFileAsync(string temp, Stream content, CancellationToken cancellationToken)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var buffer = new byte[BufferSize];
        long size = 0;
        await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous))
        {
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                md5.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                size += read;
            }
            // Flushed to disk before the rename, so the real name never points at data still in the page cache.
            file.Flush(flushToDisk: true);
        }
        return (size, Convert.ToBase64String(md5.GetHashAndReset()));
    }

    private static async Task WriteContentTypeAsync(string path, string? contentType, CancellationToken cancellationToken)
    {
        var sidecar = ContentTypePath(path);
        if (string.IsNullOrWhiteSpace(contentType))
        {
            DeleteIfPresent(sidecar);
            return;
        }
        var temp = $"{sidecar}~{Guid.NewGuid():N}";
        await File.WriteAllTextAsync(temp, contentType.Trim(), cancellationToken);
        File.Move(temp, sidecar, overwrite: true);
    }

    private static async Task<BlobProperties> PropertiesOf(string key, string path, FileInfo info, CancellationToken cancellationToken)
    {
        var sidecar = ContentTypePath(path);
        var contentType = File.Exists(sidecar) ? (await File.ReadAllTextAsync(sidecar, cancellationToken)).Trim() : BlobKey.InferContentType(key);
        return new BlobProperties(key, info.Length, contentType, info.LastWriteTimeUtc, ETagOf(info));
    }

    private static string ContentTypePath(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, $"{BlobKey.ReservedPrefix}type~{Path.GetFileName(path)}");

    private static string ETagOf(FileInfo info) => $"\"{info.LastWriteTimeUtc.Ticks:x}-{info.Length:x}\"";

    private static void DeleteIfPresent(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // The folder is gone, so the file is too: deleting is idempotent.
        }
    }
}
