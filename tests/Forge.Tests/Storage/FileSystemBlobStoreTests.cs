using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Forge.Shared.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Tests.Storage;

public sealed class FileSystemBlobStoreTests(StorageHostFixture host) : BlobStoreContract, IClassFixture<StorageHostFixture>
{
    private readonly HttpClient _client = host.CreateClient();

    protected override IBlobStore Store => host.Services.GetRequiredService<IBlobStore>();

    protected override TestClock Clock => host.Clock;

    protected override HttpClient DownloadClient => _client;

    private string Root => Path.Combine(host.DataPath, "blobs");

    [Fact]
    public void TheConfiguredStoreIsTheFileSystemAdapterUnderTheDataFolder()
    {
        Store.Should().BeOfType<FileSystemBlobStore>();
        Store.GetDownloadUrl($"{Prefix}a.txt", TimeSpan.FromMinutes(1)).GetLeftPart(UriPartial.Authority).Should().Be("http://localhost:8000");
    }

    [Fact]
    public async Task BlobsAreFilesAtTheirKeyPathInsideTheRoot()
    {
        var key = $"{Prefix}documents/dom/doc/file name é.txt";

        await Store.PutAsync(key, new MemoryStream("content"u8.ToArray()));

        var path = Path.Combine(Root, key.Replace('/', Path.DirectorySeparatorChar));
        (await File.ReadAllTextAsync(path)).Should().Be("content");
    }

    [Fact]
    public async Task FailedOverwriteKeepsThePreviousContentAndLeavesNoPartialFile()
    {
        var key = $"{Prefix}documents/atomic.bin";
        var original = RandomBytes(4096, seed: 9);
        await Store.PutAsync(key, new MemoryStream(original));

        var put = () => Store.PutAsync(key, new FailingStream(failAfter: 3 * 1024 * 1024));

        await put.Should().ThrowAsync<IOException>();
        (await ReadAllAsync(key)).Should().Equal(original);
        Directory.GetFiles(Path.Combine(Root, Prefix, "documents")).Select(Path.GetFileName).Should().Equal("atomic.bin");
    }

    [Fact]
    public async Task FailedFirstWriteLeavesNoBlobAndNoFile()
    {
        var key = $"{Prefix}documents/never.bin";

        var put = () => Store.PutAsync(key, new FailingStream(failAfter: 100_000));

        await put.Should().ThrowAsync<IOException>();
        (await Store.GetPropertiesAsync(key)).Should().BeNull();
        (await ListAsync(Prefix)).Should().BeEmpty();
        Directory.GetFiles(Path.Combine(Root, Prefix, "documents")).Should().BeEmpty();
    }

    [Fact]
    public async Task RefusedDownloadAnswersWithTheSeedErrorShape()
    {
        var key = $"{Prefix}documents/shape.txt";
        await Store.PutAsync(key, new MemoryStream([1]));
        var url = Store.GetDownloadUrl(key, TimeSpan.FromMinutes(5)).AbsoluteUri;

        using var response = await DownloadClient.GetAsync(url[..url.IndexOf("&sig=", StringComparison.Ordinal)] + "&sig=forged");

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("error").GetString().Should().NotBeNullOrEmpty();
        body.RootElement.GetProperty("details").ValueKind.Should().Be(JsonValueKind.Object);
        body.RootElement.GetProperty("request_id").GetString().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task MissingBlobAnswers404WithTheSeedErrorShape()
    {
        using var response = await DownloadClient.GetAsync(Store.GetDownloadUrl($"{Prefix}documents/none.txt", TimeSpan.FromMinutes(5)));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("error").GetString().Should().Be("blob not found");
        body.RootElement.GetProperty("request_id").GetString().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task UrlWithoutSignatureOrWithChangedFileNameIsRefused()
    {
        var key = $"{Prefix}documents/named.txt";
        await Store.PutAsync(key, new MemoryStream([1]));
        var url = Store.GetDownloadUrl(key, TimeSpan.FromMinutes(5), "named.txt").AbsoluteUri;

        using var unsigned = await DownloadClient.GetAsync(url[..url.IndexOf('?', StringComparison.Ordinal)]);
        using var renamed = await DownloadClient.GetAsync(url.Replace("filename=named.txt", "filename=evil.exe", StringComparison.Ordinal));

        unsigned.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        renamed.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task UrlIsValidUntilItsExpiryPasses()
    {
        var key = $"{Prefix}documents/timed.txt";
        await Store.PutAsync(key, new MemoryStream([1]));
        var now = DateTimeOffset.UtcNow;
        Uri url;
        using (Clock.TravelTo(now))
        {
            url = Store.GetDownloadUrl(key, TimeSpan.FromMinutes(10));
        }

        using (Clock.TravelTo(now.AddMinutes(9)))
        {
            (await DownloadClient.GetAsync(url)).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        using (Clock.TravelTo(now.AddMinutes(11)))
        {
            (await DownloadClient.GetAsync(url)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task RangeRequestsReturnPartialContent()
    {
        var data = RandomBytes(10_000, seed: 11);
        var key = $"{Prefix}documents/range.bin";
        await Store.PutAsync(key, new MemoryStream(data));
        using var request = new HttpRequestMessage(HttpMethod.Get, Store.GetDownloadUrl(key, TimeSpan.FromMinutes(5)));
        request.Headers.Range = new RangeHeaderValue(100, 199);

        using var response = await DownloadClient.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.PartialContent);
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(data[100..200]);
    }

    [Fact]
    public void GeneratedSigningKeyIsPersistedInTheDataFolderAndReused()
    {
        var keyFile = Path.Combine(host.DataPath, "keys", "blob-signing.key");
        _ = host.Services.GetRequiredService<BlobUrlSigner>();

        File.Exists(keyFile).Should().BeTrue();
        var options = new StorageOptions { SigningKeyPath = keyFile };
        SigningKeyStore.Load(options).Should().Equal(SigningKeyStore.Load(options));
        Convert.ToBase64String(SigningKeyStore.Load(options)).Should().Be(File.ReadAllText(keyFile).Trim());
    }
}
