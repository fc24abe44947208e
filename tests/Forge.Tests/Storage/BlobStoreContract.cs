using System.Net;
using System.Security.Cryptography;
using Forge.Shared.Storage;

namespace Forge.Tests.Storage;

/// <summary>
/// What every <see cref="IBlobStore"/> adapter must do; one subclass per adapter supplies the store, its clock and
/// an HttpClient that reaches its download URLs. Each test works under its own key prefix.
/// </summary>
public abstract class BlobStoreContract
{
    protected abstract IBlobStore Store { get; }

    protected abstract TestClock Clock { get; }

    protected abstract HttpClient DownloadClient { get; }

    protected string Prefix { get; } = $"contract-{Guid.NewGuid():N}/";

    public static TheoryData<string> InvalidKeys() =>
    [
        "", "/documents/a.txt", "documents/../secret.txt", "..", "../outside.txt", "documents/./a.txt", "documents\\a.txt",
        "documents/a\u0000.txt", "documents/a\nb.txt", "documents//a.txt", "documents/", "documents/a.", ".forge~type~a",
        new string('k', BlobKey.MaxLength + 1),
    ];

    [Fact]
    public async Task SmallStreamRoundTripsExactBytesAndProperties()
    {
        var data = RandomBytes(1000, seed: 1);
        var key = $"{Prefix}documents/d1/doc1/report.txt";

        var written = await Store.PutAsync(key, new MemoryStream(data), "text/plain; charset=utf-8");

        written.Size.Should().Be(data.Length);
        written.ContentMd5.Should().Be(Convert.ToBase64String(MD5.HashData(data)));
        written.ETag.Should().NotBeEmpty();
        (await ReadAllAsync(key)).Should().Equal(data);
        var properties = await Store.GetPropertiesAsync(key);
        properties.Should().NotBeNull();
        properties!.Size.Should().Be(data.Length);
        properties.ContentType.Should().Be("text/plain; charset=utf-8");
        properties.LastModified.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task LargeNonSeekableStreamRoundTripsExactBytes()
    {
        var data = RandomBytes(20 * 1024 * 1024 + 123, seed: 2);
        var key = $"{Prefix}exports/ds1/v1/dataset.jsonl";

        var written = await Store.PutAsync(key, new NonSeekableStream(new MemoryStream(data)));

        written.Size.Should().Be(data.Length);
        written.ContentMd5.Should().Be(Convert.ToBase64String(MD5.HashData(data)));
        var read = await ReadAllAsync(key);
        read.Length.Should().Be(data.Length);
        SHA256.HashData(read).Should().Equal(SHA256.HashData(data));
    }

    [Fact]
    public async Task OverwriteReplacesContentAndContentType()
    {
        var key = $"{Prefix}documents/a.bin";
        await Store.PutAsync(key, new MemoryStream(RandomBytes(5000, seed: 3)), "application/pdf");

        var replacement = RandomBytes(10, seed: 4);
        await Store.PutAsync(key, new MemoryStream(replacement));

        (await ReadAllAsync(key)).Should().Equal(replacement);
        var properties = await Store.GetPropertiesAsync(key);
        properties!.Size.Should().Be(10);
        properties.ContentType.Should().Be("application/octet-stream");
    }

    [Theory]
    [InlineData("exports/ds/v2/dataset.json", "application/json")]
    [InlineData("exports/ds/v2/dataset.csv", "text/csv")]
    [InlineData("exports/ds/v2/dataset.unknownext", "application/octet-stream")]
    public async Task ContentTypeIsInferredFromTheExtensionWhenNotGiven(string name, string expected)
    {
        var key = Prefix + name;
        await Store.PutAsync(key, new MemoryStream([1, 2, 3]));

        (await Store.GetPropertiesAsync(key))!.ContentType.Should().Be(expected);
        await using var download = await Store.OpenReadAsync(key);
        download.Properties.ContentType.Should().Be(expected);
    }

    [Fact]
    public async Task OpeningAMissingBlobThrowsBlobNotFound()
    {
        var key = $"{Prefix}missing/none.txt";

        var open = () => Store.OpenReadAsync(key);

        (await open.Should().ThrowAsync<BlobNotFoundException>()).Which.Key.Should().Be(key);
        (await Store.GetPropertiesAsync(key)).Should().BeNull();
    }

    [Fact]
    public async Task DeleteRemovesTheBlobAndIsIdempotent()
    {
        var key = $"{Prefix}documents/delete-me.txt";
        await Store.PutAsync(key, new MemoryStream([1]));

        (await Store.DeleteAsync(key)).Should().BeTrue();
        (await Store.DeleteAsync(key)).Should().BeFalse();
        (await Store.DeleteAsync($"{Prefix}never/existed/at-all.txt")).Should().BeFalse();

        (await Store.GetPropertiesAsync(key)).Should().BeNull();
        await ((Func<Task>)(() => Store.OpenReadAsync(key))).Should().ThrowAsync<BlobNotFoundException>();
    }

    [Fact]
    public async Task ListByPrefixReturnsNestedBlobsInKeyOrderWithStringPrefixSemantics()
    {
        string[] names = ["a/1.txt", "a/b/2.txt", "a/b/c/3.txt", "ab/4.txt", "other/5.txt"];
        foreach (var (name, size) in names.Select((n, i) => (n, i + 1)))
        {
            await Store.PutAsync(Prefix + name, new MemoryStream(new byte[size]));
        }

        var underA = await ListAsync($"{Prefix}a/");
        underA.Select(i => i.Name).Should().Equal($"{Prefix}a/1.txt", $"{Prefix}a/b/2.txt", $"{Prefix}a/b/c/3.txt");
        underA.Select(i => i.Size).Should().Equal(1, 2, 3);
        underA.Should().OnlyContain(i => i.LastModified > DateTimeOffset.UtcNow.AddMinutes(-5));

        (await ListAsync($"{Prefix}a")).Select(i => i.Name).Should().Equal(
            $"{Prefix}a/1.txt", $"{Prefix}a/b/2.txt", $"{Prefix}a/b/c/3.txt", $"{Prefix}ab/4.txt");
        (await ListAsync($"{Prefix}a/b/c/3.txt")).Select(i => i.Name).Should().Equal($"{Prefix}a/b/c/3.txt");
        (await ListAsync($"{Prefix}nothing/")).Should().BeEmpty();
        (await ListAsync(Prefix)).Should().HaveCount(names.Length);
    }

    [Fact]
    public async Task ListingReturnsEveryBlobAcrossPages()
    {
        var expected = Enumerable.Range(0, 7).Select(i => $"{Prefix}many/item-{i:D2}.txt").ToList();
        foreach (var key in expected)
        {
            await Store.PutAsync(key, new MemoryStream([7]));
        }

        (await ListAsync($"{Prefix}many/")).Select(i => i.Name).Should().Equal(expected);
    }

    [Theory]
    [MemberData(nameof(InvalidKeys))]
    public async Task InvalidKeysAreRejectedByEveryOperation(string key)
    {
        await ((Func<Task>)(() => Store.PutAsync(key, new MemoryStream([1])))).Should().ThrowAsync<ArgumentException>();
        await ((Func<Task>)(() => Store.OpenReadAsync(key))).Should().ThrowAsync<ArgumentException>();
        await ((Func<Task>)(() => Store.GetPropertiesAsync(key))).Should().ThrowAsync<ArgumentException>();
        await ((Func<Task>)(() => Store.DeleteAsync(key))).Should().ThrowAsync<ArgumentException>();
        ((Action)(() => Store.GetDownloadUrl(key, TimeSpan.FromMinutes(5)))).Should().Throw<ArgumentException>();
    }

    [Theory]
    [InlineData("/documents/")]
    [InlineData("../")]
    [InlineData("documents/../")]
    [InlineData("documents\\")]
    public async Task InvalidListPrefixesAreRejected(string prefix)
    {
        await ((Func<Task>)(() => ListAsync(prefix))).Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task DownloadUrlServesTheExactBytesWithContentTypeAndFileName()
    {
        var data = RandomBytes(3 * 1024 * 1024 + 17, seed: 5);
        var key = $"{Prefix}exports/ds1/v3/dataset.jsonl";
        await Store.PutAsync(key, new MemoryStream(data), "application/x-ndjson");

        using var response = await DownloadClient.GetAsync(Store.GetDownloadUrl(key, TimeSpan.FromMinutes(10), "relatório final.jsonl"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(data);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/x-ndjson");
        var disposition = response.Content.Headers.ContentDisposition;
        disposition!.DispositionType.Should().Be("attachment");
        disposition.FileNameStar.Should().Be("relatório final.jsonl");
    }

    [Fact]
    public async Task DownloadUrlWithoutFileNameServesInlineEvenForKeysWithUrlSpecialCharacters()
    {
        var key = $"{Prefix}documents/d/doc/notes 100% #1 + ? & é=ç;.txt";
        await Store.PutAsync(key, new MemoryStream("hello"u8.ToArray()));

        using var response = await DownloadClient.GetAsync(Store.GetDownloadUrl(key, TimeSpan.FromMinutes(10)));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("hello");
        response.Content.Headers.ContentDisposition.Should().BeNull();
    }

    [Fact]
    public async Task TamperedSignatureIsRefused()
    {
        var key = $"{Prefix}documents/secret.txt";
        await Store.PutAsync(key, new MemoryStream([1, 2, 3]));
        var url = Store.GetDownloadUrl(key, TimeSpan.FromMinutes(10)).AbsoluteUri;

        var signature = url[(url.LastIndexOf("sig=", StringComparison.Ordinal) + 4)..];
        var tampered = url.Replace(signature, (signature[0] == 'A' ? "B" : "A") + signature[1..], StringComparison.Ordinal);
        using var response = await DownloadClient.GetAsync(tampered);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task UrlSignedForOneBlobDoesNotOpenAnother()
    {
        var signedKey = $"{Prefix}documents/public.txt";
        var otherKey = $"{Prefix}documents/private.txt";
        await Store.PutAsync(signedKey, new MemoryStream([1]));
        await Store.PutAsync(otherKey, new MemoryStream([2]));
        var url = Store.GetDownloadUrl(signedKey, TimeSpan.FromMinutes(10)).AbsoluteUri;

        using var response = await DownloadClient.GetAsync(url.Replace("public.txt", "private.txt", StringComparison.Ordinal));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ExpiredDownloadUrlIsRefused()
    {
        var key = $"{Prefix}documents/old.txt";
        await Store.PutAsync(key, new MemoryStream([1]));
        Uri url;
        using (Clock.TravelTo(DateTimeOffset.UtcNow.AddHours(-2)))
        {
            url = Store.GetDownloadUrl(key, TimeSpan.FromHours(1));
        }

        using var response = await DownloadClient.GetAsync(url);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task DownloadUrlOfAMissingBlobReturns404()
    {
        using var response = await DownloadClient.GetAsync(Store.GetDownloadUrl($"{Prefix}documents/gone.txt", TimeSpan.FromMinutes(10)));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    protected async Task<byte[]> ReadAllAsync(string key)
    {
        await using var download = await Store.OpenReadAsync(key);
        using var copy = new MemoryStream();
        await download.Content.CopyToAsync(copy);
        return copy.ToArray();
    }

    protected async Task<List<BlobItem>> ListAsync(string prefix)
    {
        var items = new List<BlobItem>();
        await foreach (var item in Store.ListAsync(prefix))
        {
            items.Add(item);
        }
        return items;
    }

    protected static byte[] RandomBytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }
}
