using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Forge.Shared.Storage.Azure;

/// <summary>
/// Block blobs in one container over the Blob REST API, on Azure.Core's pipeline (retries, logging, timeouts)
/// with <see cref="SharedKeyPolicy"/> for auth. Small streams go up in one Put Blob; larger ones block by block,
/// holding one block in memory at a time.
/// </summary>
public sealed class AzureBlobStore(AzureBlobOptions options, TimeProvider timeProvider, HttpPipelineTransport? transport = null) : IBlobStore
{
    /// <summary>A recent service version whose SharedKey and service-SAS formats both Azure and Azurite 3.37 accept.</summary>
    public const string ServiceVersion = "2025-01-05";

    private readonly AzureStorageAccount _account = AzureStorageAccount.Parse(options.ConnectionString ?? "");
    private readonly HttpPipeline _pipeline = CreatePipeline(AzureStorageAccount.Parse(options.ConnectionString ?? ""), timeProvider, transport);
    private volatile bool _containerReady;

    public async Task<BlobWriteResult> PutAsync(string key, Stream content, string? contentType = null, CancellationToken cancellationToken = default)
    {
        BlobKey.Validate(key);
        ArgumentNullException.ThrowIfNull(content);
        await EnsureContainerAsync(cancellationToken);
        contentType = string.IsNullOrWhiteSpace(contentType) ? BlobKey.InferContentType(key) : contentType.Trim();
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var buffer = ArrayPool<byte>.Shared.Rent(options.BlockSize);
        try
        {
            var length = await FillAsync(content, buffer, options.BlockSize, md5, cancellationToken);
            if (length < options.BlockSize)
            {
                var hash = Convert.ToBase64String(md5.GetHashAndReset());
                using var put = Message(RequestMethod.Put, BlobUri(key), RequestContent.Create(buffer.AsMemory(0, length)));
                put.Request.Headers.Add("x-ms-blob-type", "BlockBlob");
                AddBlobHeaders(put.Request, contentType, hash);
                var response = await SendAsync(put, [201], cancellationToken);
                return new BlobWriteResult(key, length, hash, response.Headers.ETag?.ToString() ?? "");
            }

            // Block ids must all have one length; a per-upload id keeps a retried or concurrent upload's blocks apart.
            var uploadId = Guid.NewGuid().ToString("N");
            var blockIds = new List<string>();
            long size = 0;
            while (length > 0)
            {
                var blockId = Convert.ToBase64String(Encoding.ASCII.GetBytes($"{uploadId}-{blockIds.Count:D6}"));
                var uri = BlobUri(key, $"comp=block&blockid={Uri.EscapeDataString(blockId)}");
                using (var block = Message(RequestMethod.Put, uri, RequestContent.Create(buffer.AsMemory(0, length))))
                {
                    await SendAsync(block, [201], cancellationToken);
                }
                blockIds.Add(blockId);
                size += length;
                length = await FillAsync(content, buffer, options.BlockSize, md5, cancellationToken);
            }
            // Blocks never committed (a failed upload) are discarded by the service after a week.
            var md5Base64 = Convert.ToBase64String(md5.GetHashAndReset());
            var blockList = new XElement("BlockList", blockIds.Select(id => new XElement("Latest", id))).ToString(SaveOptions.DisableFormatting);
            using var commit = Message(RequestMethod.Put, BlobUri(key, "comp=blocklist"), RequestContent.Create(Encoding.UTF8.GetBytes(blockList)));
            AddBlobHeaders(commit.Request, contentType, md5Base64);
            var committed = await SendAsync(commit, [201], cancellationToken);
            return new BlobWriteResult(key, size, md5Base64, committed.Headers.ETag?.ToString() ?? "");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task<BlobDownload> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        BlobKey.Validate(key);
        var message = Message(RequestMethod.Get, BlobUri(key));
        // Streamed: the body is handed to the caller instead of being read into memory by the pipeline.
        message.BufferResponse = false;
        await _pipeline.SendAsync(message, cancellationToken);
        var response = message.Response;
        if (response.Status != 200)
        {
            using (message)
            {
                throw response.Status == 404 ? new BlobNotFoundException(key) : new RequestFailedException(response);
            }
        }
        // The caller now owns the body stream; the message holds nothing else worth disposing.
        var stream = message.ExtractResponseContent() ?? Stream.Null;
        return new BlobDownload(stream, PropertiesOf(key, response));
    }

    public async Task<BlobProperties?> GetPropertiesAsync(string key, CancellationToken cancellationToken = default)
    {
        BlobKey.Validate(key);
        using var message = Message(RequestMethod.Head, BlobUri(key));
        var response = await SendAsync(message, [200, 404], cancellationToken);
        return response.Status == 404 ? null : PropertiesOf(key, response);
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        BlobKey.Validate(key);
        using var message = Message(RequestMethod.Delete, BlobUri(key));
        var response = await SendAsync(message, [202, 404], cancellationToken);
        return response.Status == 202;
    }

    public async IAsyncEnumerable<BlobItem> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobKey.ValidatePrefix(prefix);
        string? marker = null;
        do
        {
            var query = new StringBuilder($"restype=container&comp=list&maxresults={options.ListPageSize.ToString(CultureInfo.InvariantCulture)}");
            if (prefix.Length > 0)
            {
                query.Append("&prefix=").Append(Uri.EscapeDataString(prefix));
            }
            if (marker is not null)
            {
                query.Append("&marker=").Append(Uri.EscapeDataString(marker));
            }
            using var message = Message(RequestMethod.Get, ContainerUri(query.ToString()));
            var response = await SendAsync(message, [200, 404], cancellationToken);
            if (response.Status == 404)
            {
                // No container yet: nothing was ever stored.
                yield break;
            }
            var page = ListBlobsPage.Parse(response.ContentStream ?? Stream.Null);
            foreach (var item in page.Items)
            {
                yield return item;
            }
            marker = page.NextMarker;
        }
        while (marker is not null);
    }

    public Uri GetDownloadUrl(string key, TimeSpan validFor, string? downloadFileName = null)
    {
        BlobKey.Validate(key);
        var expires = timeProvider.GetUtcNow().Add(validFor);
        return new Uri($"{BlobUri(key)}?{BlobSas.CreateQuery(_account, options.Container, key, expires, ServiceVersion, downloadFileName)}");
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_containerReady)
        {
            return;
        }
        using var message = Message(RequestMethod.Put, ContainerUri("restype=container"));
        // 409: it already exists, which is all we need.
        await SendAsync(message, [201, 409], cancellationToken);
        _containerReady = true;
    }

    private HttpMessage Message(RequestMethod method, Uri uri, RequestContent? content = null)
    {
        var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(uri);
        message.Request.Content = content;
        return message;
    }

    private async Task<Response> SendAsync(HttpMessage message, int[] expected, CancellationToken cancellationToken)
    {
        await _pipeline.SendAsync(message, cancellationToken);
        var response = message.Response;
        return expected.Contains(response.Status) ? response : throw new RequestFailedException(response);
    }

    private Uri ContainerUri(string query) => new($"{_account.BlobEndpoint.AbsoluteUri.TrimEnd('/')}/{options.Container}?{query}");

    private Uri BlobUri(string key, string? query = null)
    {
        var path = string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        var uri = $"{_account.BlobEndpoint.AbsoluteUri.TrimEnd('/')}/{options.Container}/{path}";
        return new Uri(query is null ? uri : $"{uri}?{query}");
    }

    private static void AddBlobHeaders(Request request, string contentType, string md5Base64)
    {
        request.Headers.Add("x-ms-blob-content-type", contentType);
        request.Headers.Add("x-ms-blob-content-md5", md5Base64);
    }

    private static BlobProperties PropertiesOf(string key, Response response)
    {
        var lastModified = response.Headers.TryGetValue("Last-Modified", out var text)
            ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            : DateTimeOffset.MinValue;
        return new BlobProperties(key, response.Headers.ContentLength ?? 0, response.Headers.ContentType ?? "application/octet-stream",
            lastModified, response.Headers.ETag?.ToString() ?? "");
    }

    /// <summary>Reads until the block is full or the stream ends; one ReadAsync may return less than asked.</summary>
    private static async Task<int> FillAsync(Stream content, byte[] buffer, int count, IncrementalHash md5, CancellationToken cancellationToken)
    {
        var filled = 0;
        int read;
        while (filled < count && (read = await content.ReadAsync(buffer.AsMemory(filled, count - filled), cancellationToken)) > 0)
        {
            filled += read;
        }
        md5.AppendData(buffer, 0, filled);
        return filled;
    }

    private static HttpPipeline CreatePipeline(AzureStorageAccount account, TimeProvider timeProvider, HttpPipelineTransport? transport)
    {
        var clientOptions = new BlobPipelineOptions();
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.MaxRetries = 4;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(500);
        if (transport is not null)
        {
            clientOptions.Transport = transport;
        }
        // Per retry, so every attempt is signed with a fresh x-ms-date.
        return HttpPipelineBuilder.Build(clientOptions, [], [new SharedKeyPolicy(account, ServiceVersion, timeProvider)], new ResponseClassifier());
    }

    private sealed class BlobPipelineOptions : ClientOptions;
}
