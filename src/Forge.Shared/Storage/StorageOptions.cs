namespace Forge.Shared.Storage;

public sealed class StorageOptions
{
    public const string SectionName = "Forge:Storage";

    /// <summary><c>filesystem</c> (default, embedded) or <c>azure</c>.</summary>
    public string Provider { get; set; } = "filesystem";

    /// <summary>The file-system adapter's folder; defaults to <c>{Forge:DataPath}/blobs</c>.</summary>
    public string? Root { get; set; }

    /// <summary>
    /// Base of the Forge-served download URLs (<c>{PublicBaseUrl}/blobs/{key}</c>). Empty by default: the URLs then
    /// follow the request's own scheme and host (see <see cref="DownloadUrlBase"/>).
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>HMAC key for Forge-served download URLs; when unset, one is generated once and kept in <see cref="SigningKeyPath"/>.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Where the generated signing key is kept; defaults to <c>{Forge:DataPath}/keys/blob-signing.key</c>.</summary>
    public string? SigningKeyPath { get; set; }

    public AzureBlobOptions Azure { get; set; } = new();

    public bool UsesAzure => string.Equals(Provider, "azure", StringComparison.OrdinalIgnoreCase);
}

public sealed class AzureBlobOptions
{
    /// <summary>
    /// A storage connection string with the account key (<c>DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...</c>,
    /// optionally with <c>BlobEndpoint</c>/<c>QueueEndpoint</c>/<c>TableEndpoint</c>) or <c>UseDevelopmentStorage=true</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The container every blob goes in; created when missing.</summary>
    public string Container { get; set; } = "forge";

    /// <summary>Streams up to this size go up in one Put Blob; larger ones as blocks of this size.</summary>
    public int BlockSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Blocks of one upload in flight at once; each is held in memory until sent.</summary>
    public int UploadConcurrency { get; set; } = 4;

    /// <summary>Blobs asked for per List Blobs page (the service caps it at 5000).</summary>
    public int ListPageSize { get; set; } = 1000;
}
