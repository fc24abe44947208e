using System.Net;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Forge.Shared.Storage;
using Forge.Shared.Storage.Azure;
using Forge.Tests.Infrastructure;

namespace Forge.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobStoreTests : BlobStoreContract
{
    private static readonly HttpClient Http = new();
    private readonly AzuriteFixture _azurite;
    private readonly TestClock _clock = new();
    private readonly AzureBlobStore _store;

    public AzureBlobStoreTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
        // A tiny page size makes every listing in the contract span several List Blobs pages.
        _store = new AzureBlobStore(new AzureBlobOptions { ConnectionString = azurite.ConnectionString, Container = "forge-contract", ListPageSize = 2 }, _clock);
    }

    protected override IBlobStore Store => _store;

    protected override TestClock Clock => _clock;

    protected override HttpClient DownloadClient => Http;

    [Fact]
    public async Task ContainerIsCreatedWhenMissing()
    {
        var store = new AzureBlobStore(new AzureBlobOptions { ConnectionString = _azurite.ConnectionString, Container = $"fresh-{Guid.NewGuid():N}"[..20] }, _clock);
        // Before anything is stored the container does not exist: reads answer as for a missing blob.
        (await ListAsync(store, "")).Should().BeEmpty();
        (await store.GetPropertiesAsync("documents/first.txt")).Should().BeNull();
        (await store.DeleteAsync("documents/first.txt")).Should().BeFalse();
        await ((Func<Task>)(() => store.OpenReadAsync("documents/first.txt"))).Should().ThrowAsync<BlobNotFoundException>();

        await store.PutAsync("documents/first.txt", new MemoryStream([1]));

        (await ListAsync(store, "")).Select(i => i.Name).Should().Equal("documents/first.txt");
    }

    [Fact]
    public async Task RequestsSignedWithTheWrongAccountKeyAreRejected()
    {
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var connection = _azurite.ConnectionString.Replace(AzureStorageAccount.DevelopmentAccountKey, wrongKey, StringComparison.Ordinal);
        var store = new AzureBlobStore(new AzureBlobOptions { ConnectionString = connection, Container = "forge-contract" }, _clock);

        var put = () => store.PutAsync($"{Prefix}documents/x.txt", new MemoryStream([1]));

        (await put.Should().ThrowAsync<RequestFailedException>()).Which.Status.Should().Be(403);
    }

    [Fact]
    public async Task LargeStreamsGoUpAsBlocksAndListingsFollowContinuationMarkers()
    {
        var transport = new RecordingTransport();
        var store = new AzureBlobStore(new AzureBlobOptions { ConnectionString = _azurite.ConnectionString, Container = "forge-contract", BlockSize = 1024 * 1024, ListPageSize = 2 }, _clock, transport);
        var data = RandomBytes(5 * 1024 * 1024 + 1, seed: 21);

        await store.PutAsync($"{Prefix}big.bin", new NonSeekableStream(new MemoryStream(data)));
        foreach (var i in Enumerable.Range(0, 4))
        {
            await store.PutAsync($"{Prefix}small-{i}.txt", new MemoryStream([1]));
        }
        var listed = await ListAsync(store, Prefix);

        var comps = transport.Queries.Select(q => System.Web.HttpUtility.ParseQueryString(q)).ToList();
        // 5 MiB + 1 byte in 1 MiB blocks: six Put Block and one Put Block List; the four small blobs one Put Blob each.
        comps.Count(q => q["comp"] == "block").Should().Be(6);
        comps.Count(q => q["comp"] == "blocklist").Should().Be(1);
        transport.Puts.Should().Be(6 + 1 + 4);
        // Five blobs two to a page: three List Blobs calls, the later ones continuing from a marker.
        comps.Count(q => q["comp"] == "list").Should().Be(3);
        comps.Count(q => q["comp"] == "list" && q["marker"] is { Length: > 0 }).Should().Be(2);
        comps.Where(q => q["comp"] == "list").Should().OnlyContain(q => q["maxresults"] == "2");
        listed.Select(i => i.Name).Should().Equal(new[] { "big.bin", "small-0.txt", "small-1.txt", "small-2.txt", "small-3.txt" }.Select(n => Prefix + n));
        (await ReadAllAsync(store, $"{Prefix}big.bin")).Should().Equal(data);
    }

    [Fact]
    public async Task BlocksGoUpBeforeTheSourceEndsAndAnUploadThatFailsMidwayLeavesNoBlob()
    {
        var transport = new RecordingTransport();
        var store = new AzureBlobStore(new AzureBlobOptions { ConnectionString = _azurite.ConnectionString, Container = "forge-contract", BlockSize = 1024 * 1024, UploadConcurrency = 1 }, _clock, transport);
        var key = $"{Prefix}exports/broken.jsonl";

        var put = () => store.PutAsync(key, new FailingStream(failAfter: 3 * 1024 * 1024 + 100));

        await put.Should().ThrowAsync<IOException>();
        // Blocks were sent while the source was still being read: the upload never held the whole stream.
        transport.Queries.Count(q => System.Web.HttpUtility.ParseQueryString(q)["comp"] == "block").Should().BeGreaterThanOrEqualTo(2);
        transport.Queries.Should().NotContain(q => q.Contains("comp=blocklist", StringComparison.Ordinal));
        (await store.GetPropertiesAsync(key)).Should().BeNull();
    }

    [Fact]
    public async Task SasUrlIsReadOnly()
    {
        var key = $"{Prefix}documents/readonly.txt";
        await _store.PutAsync(key, new MemoryStream([1, 2]));
        var url = _store.GetDownloadUrl(key, TimeSpan.FromMinutes(5));
        using var overwrite = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent([9]) };
        overwrite.Headers.Add("x-ms-blob-type", "BlockBlob");

        using var response = await Http.SendAsync(overwrite);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await ReadAllAsync(key)).Should().Equal(1, 2);
    }

    [Fact]
    public async Task ExpiredSasIsRefusedEvenWhenItsExpiryIsPushedForward()
    {
        var key = $"{Prefix}documents/expired.txt";
        await _store.PutAsync(key, new MemoryStream([1]));
        Uri url;
        using (_clock.TravelTo(DateTimeOffset.UtcNow.AddHours(-2)))
        {
            url = _store.GetDownloadUrl(key, TimeSpan.FromHours(1));
        }
        var query = System.Web.HttpUtility.ParseQueryString(url.Query);
        var extended = url.AbsoluteUri.Replace($"se={Uri.EscapeDataString(query["se"]!)}",
            $"se={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture))}", StringComparison.Ordinal);

        using var expired = await Http.GetAsync(url);
        using var tampered = await Http.GetAsync(extended);

        extended.Should().NotBe(url.AbsoluteUri);
        expired.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        tampered.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public void StandardConnectionStringWithoutBlobEndpointSignsUrlsOnTheAccountHost()
    {
        var store = new AzureBlobStore(new AzureBlobOptions
        {
            ConnectionString = $"DefaultEndpointsProtocol=https;AccountName=forgeprod;AccountKey={AzureStorageAccount.DevelopmentAccountKey};EndpointSuffix=core.windows.net",
        }, _clock);

        var url = store.GetDownloadUrl("exports/ds/v1/dataset.jsonl", TimeSpan.FromMinutes(5), "data.jsonl");

        url.GetLeftPart(UriPartial.Path).Should().Be("https://forgeprod.blob.core.windows.net/forge/exports/ds/v1/dataset.jsonl");
        var query = System.Web.HttpUtility.ParseQueryString(url.Query);
        query["sp"].Should().Be("r");
        query["sr"].Should().Be("b");
        query["rscd"].Should().Be(AzureBlobStore.AttachmentDisposition("data.jsonl"));
        query["sig"].Should().NotBeNullOrEmpty();
    }

    [Fact]
    public void ServiceVersionIsOneThePinnedAzuriteAcceptsWithoutSkippingItsVersionCheck()
    {
        var constants = File.ReadAllText(Path.Combine(RepoPaths.Root, "node_modules", "azurite", "dist", "src", "blob", "utils", "constants.js"));
        var azuriteNewest = System.Text.RegularExpressions.Regex.Match(constants, "BLOB_API_VERSION = \"([0-9-]+)\"").Groups[1].Value;
        var ours = AzureBlobStore.ServiceVersion.ToString()[1..].Replace('_', '-');

        azuriteNewest.Should().MatchRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$");
        string.CompareOrdinal(ours, azuriteNewest).Should().BeLessThanOrEqualTo(0, $"Azurite {azuriteNewest} refuses newer versions such as {ours}");
    }

    private static async Task<byte[]> ReadAllAsync(IBlobStore store, string key)
    {
        await using var download = await store.OpenReadAsync(key);
        using var copy = new MemoryStream();
        await download.Content.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static async Task<List<BlobItem>> ListAsync(IBlobStore store, string prefix)
    {
        var items = new List<BlobItem>();
        await foreach (var item in store.ListAsync(prefix))
        {
            items.Add(item);
        }
        return items;
    }

    /// <summary>Records each request's query on its way to Azurite, to see which REST operations the adapter used.</summary>
    private sealed class RecordingTransport : HttpPipelineTransport
    {
        private readonly HttpClientTransport _inner = new();

        public List<string> Queries { get; } = [];

        public int Puts { get; private set; }

        public override Request CreateRequest() => _inner.CreateRequest();

        public override void Process(HttpMessage message)
        {
            Record(message);
            _inner.Process(message);
        }

        public override ValueTask ProcessAsync(HttpMessage message)
        {
            Record(message);
            return _inner.ProcessAsync(message);
        }

        private void Record(HttpMessage message)
        {
            lock (Queries)
            {
                Queries.Add(message.Request.Uri.Query);
                Puts += message.Request.Method == RequestMethod.Put && !message.Request.Uri.Query.Contains("restype=container", StringComparison.Ordinal) ? 1 : 0;
            }
        }
    }
}
