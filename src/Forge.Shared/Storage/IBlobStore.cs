namespace Forge.Shared.Storage;

/// <summary>
/// The blob storage port. Keys are forward-slash paths such as
/// <c>documents/{domain_id}/{document_id}/{filename}</c>; every operation validates them with
/// <see cref="BlobKey"/> and throws <see cref="ArgumentException"/> for an invalid one.
/// </summary>
public interface IBlobStore
{
    /// <summary>
    /// Writes (or replaces) the blob from <paramref name="content"/>, read to its end and never buffered whole.
    /// A null <paramref name="contentType"/> is inferred from the key's extension.
    /// </summary>
    Task<BlobWriteResult> PutAsync(string key, Stream content, string? contentType = null, CancellationToken cancellationToken = default);

    /// <summary>Opens the blob for streaming; throws <see cref="BlobNotFoundException"/> when it does not exist.</summary>
    Task<BlobDownload> OpenReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>The blob's properties, or null when it does not exist.</summary>
    Task<BlobProperties?> GetPropertiesAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes the blob; deleting a missing blob is not an error. Returns whether it existed.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every blob whose key starts with <paramref name="prefix"/> (a plain string prefix, like Azure's:
    /// <c>exports/a</c> also matches <c>exports/ab/x</c>), at any depth, in ordinal key order.
    /// </summary>
    IAsyncEnumerable<BlobItem> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>
    /// A URL anyone can GET the blob from until <paramref name="validFor"/> has passed; with
    /// <paramref name="downloadFileName"/> the response asks the browser to save it under that name.
    /// </summary>
    Uri GetDownloadUrl(string key, TimeSpan validFor, string? downloadFileName = null);
}

public sealed record BlobWriteResult(string Key, long Size, string ContentMd5, string ETag);

public sealed record BlobProperties(string Key, long Size, string ContentType, DateTimeOffset LastModified, string ETag);

public sealed record BlobItem(string Name, long Size, DateTimeOffset LastModified);

/// <summary>An open blob: its properties and a read stream the caller owns.</summary>
public sealed class BlobDownload(Stream content, BlobProperties properties) : IAsyncDisposable, IDisposable
{
    public Stream Content { get; } = content;

    public BlobProperties Properties { get; } = properties;

    public ValueTask DisposeAsync() => Content.DisposeAsync();

    public void Dispose() => Content.Dispose();
}

public sealed class BlobNotFoundException(string key)
    : Exception($"Blob '{key}' does not exist.")
{
    public string Key { get; } = key;
}
