using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Azure;
using Azure.Core.Pipeline;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using BlobItemModel = Azure.Storage.Blobs.Models.BlobItem;

namespace Forge.Shared.Storage.Azure;

/// <summary>
/// Block blobs in one container through the official Azure.Storage.Blobs SDK. Uploads stream in blocks of
/// <see cref="AzureBlobOptions.BlockSize"/> (the read-ahead block plus at most <see cref="AzureBlobOptions.UploadConcurrency"/> held in memory);
/// download URLs are read-only service SAS signed with the account key.
/// </summary>
public sealed class AzureBlobStore : IBlobStore
{
    /// <summary>
    /// The newest service version the pinned Azurite (3.37, package.json) knows: Azurite refuses newer ones unless started
    /// with --skipApiVersionCheck, and Azure accepts every published version.
    /// </summary>
    public const BlobClientOptions.ServiceVersion ServiceVersion = BlobClientOptions.ServiceVersion.V2026_06_06;

    private readonly AzureBlobOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly BlobContainerClient _container;
    private volatile bool _containerReady;

    /// <param name="transport">Replaces the HTTP transport; tests pass one that records requests.</param>
    public AzureBlobStore(AzureBlobOptions options, TimeProvider timeProvider, HttpPipelineTransport? transport = null)
    {
        _options = options;
        _timeProvider = timeProvider;
        var clientOptions = new BlobClientOptions(ServiceVersion);
        if (transport is not null)
        {
            clientOptions.Transport = transport;
        }
        _container = new BlobServiceClient(options.ConnectionString, clientOptions).GetBlobContainerClient(options.Container);
    }

    public async Task<BlobWriteResult> PutAsync(string key, Stream content, string? contentType = null, CancellationToken cancellationToken = default)
    {
        BlobKey.Validate(key);
        ArgumentNullException.ThrowIfNull(content);
        await EnsureContainerAsync(cancellationToken);
        var upload = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = string.IsNullOrWhiteSpace(contentType) ? BlobKey.InferContentType(key) : contentType.Trim() },
            TransferOptions = new StorageTransferOptions
            {
                InitialTransferSize = _options.BlockSize,
                MaximumTransferSize = _options.BlockSize,
                MaximumConcurrency = _options.UploadConcurrency,
            },
            // Each request carries its body's MD5, so the service refuses a block damaged on the way.
            TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5 },
        };
        var blob = _container.GetBlobClient(key);
        // Read ahead one block: the SDK sends a stream of unknown length as blocks even when it is tiny, and most
        // blobs (documents) fit in one Put Blob. Only longer streams go up as Put Block per block plus Put Block List.
        var head = ArrayPool<byte>.Shared.Rent(_options.BlockSize);
        try
        {
            var length = await FillAsync(content, head, _options.BlockSize, cancellationToken);
            if (length < _options.BlockSize)
            {
                var whole = head.AsMemory(0, length);
                var single = await blob.UploadAsync(new BinaryData(whole), upload, cancellationToken);
                return new BlobWriteResult(key, length, Convert.ToBase64String(MD5.HashData(whole.Span)), single.Value.ETag.ToString("H"));
            }
            await using var source = new HashingReadStream(head.AsMemory(0, length), content);
            var blocks = await blob.UploadAsync(source, upload, cancellationToken);
            return new BlobWriteResult(key, source.BytesRead, source.Md5Base64(), blocks.Value.ETag.ToString("H"));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head);
        }
    }

    public async Task<BlobDownload> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        BlobKey.Validate(key);
        try
        {
            // Streamed from one GET; the SDK resumes from the last byte read if the connection drops mid-body.
            var response = await _container.GetBlobClient(key).DownloadStreamingAsync(cancellationToken: cancellationToken);
            var details = response.Value.Details;
            var properties = new BlobProperties(key, details.ContentLength, ContentTypeOf(details.ContentType), details.LastModified, details.ETag.ToString("H"));
            return new BlobDownload(response.Value.Content, properties);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new BlobNotFoundException(key);
        }
    }

    public async Task<BlobProperties?> GetPropertiesAsync(string key, CancellationToken cancellationToken = default)
    {
        BlobKey.Validate(key);
        try
        {
            var properties = (await _container.GetBlobClient(key).GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            return new BlobProperties(key, properties.ContentLength, ContentTypeOf(properties.ContentType), properties.LastModified, properties.ETag.ToString("H"));
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        BlobKey.Validate(key);
        try
        {
            return (await _container.GetBlobClient(key).DeleteIfExistsAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return false;
        }
    }

    public async IAsyncEnumerable<BlobItem> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobKey.ValidatePrefix(prefix);
        var pages = _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix.Length == 0 ? null : prefix }, cancellationToken)
            .AsPages(pageSizeHint: _options.ListPageSize)
            .GetAsyncEnumerator(cancellationToken);
        await using (pages)
        {
            while (await NextPageAsync(pages))
            {
                foreach (var blob in pages.Current.Values)
                {
                    yield return new BlobItem(blob.Name, blob.Properties.ContentLength ?? 0, blob.Properties.LastModified ?? DateTimeOffset.MinValue);
                }
            }
        }
    }

    public Uri GetDownloadUrl(string key, TimeSpan validFor, string? downloadFileName = null)
    {
        BlobKey.Validate(key);
        var sas = new BlobSasBuilder
        {
            BlobContainerName = _options.Container,
            BlobName = key,
            Resource = "b",
            // No start time: a server clock slightly behind ours would otherwise refuse a fresh URL.
            ExpiresOn = _timeProvider.GetUtcNow().Add(validFor),
            ContentDisposition = string.IsNullOrEmpty(downloadFileName) ? null : AttachmentDisposition(downloadFileName),
        };
        sas.SetPermissions(BlobSasPermissions.Read);
        return _container.GetBlobClient(key).GenerateSasUri(sas);
    }

    /// <summary>An RFC 6266 attachment header: an ASCII fallback name plus the exact name in <c>filename*</c>.</summary>
    public static string AttachmentDisposition(string fileName)
    {
        var fallback = new string(fileName.Select(c => c is < ' ' or > '~' or '"' or '\\' ? '_' : c).ToArray());
        return $"attachment; filename=\"{fallback}\"; filename*=UTF-8''{Uri.EscapeDataString(fileName)}";
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_containerReady)
        {
            return;
        }
        await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        _containerReady = true;
    }

    /// <summary>A missing container lists as empty: nothing was ever stored. (No yield may sit inside a try with a catch.)</summary>
    private static async Task<bool> NextPageAsync(IAsyncEnumerator<Page<BlobItemModel>> pages)
    {
        try
        {
            return await pages.MoveNextAsync();
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return false;
        }
    }

    /// <summary>Reads until the buffer holds <paramref name="count"/> bytes or the stream ends; one ReadAsync may return less.</summary>
    private static async Task<int> FillAsync(Stream content, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        var filled = 0;
        int read;
        while (filled < count && (read = await content.ReadAsync(buffer.AsMemory(filled, count - filled), cancellationToken)) > 0)
        {
            filled += read;
        }
        return filled;
    }

    private static string ContentTypeOf(string? contentType) => string.IsNullOrEmpty(contentType) ? "application/octet-stream" : contentType;
}
