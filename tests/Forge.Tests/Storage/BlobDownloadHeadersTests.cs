using System.Net;
using System.Text;
using Forge.Shared.Storage;
using Forge.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Tests.Storage;

/// <summary>Forge-served blobs are the uploader's bytes: never sniffed into another type, never run as a page of Forge's origin.</summary>
public sealed class BlobDownloadHeadersTests(ForgeApiFactory factory) : IClassFixture<ForgeApiFactory>
{
    [Fact]
    public async Task AServedBlobCarriesNosniffAndASandboxPolicy()
    {
        var key = $"documents/{Guid.NewGuid()}/{Guid.NewGuid()}/page.txt";
        var store = factory.Services.GetRequiredService<IBlobStore>();
        await store.PutAsync(key, new MemoryStream(Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>")), "text/plain");
        var url = factory.Services.GetRequiredService<BlobUrlSigner>().CreateUrl(key, TimeSpan.FromMinutes(5), null);

        var response = await factory.CreateClient().GetAsync(url.PathAndQuery);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        response.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("sandbox");
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
    }

    [Fact]
    public async Task ARefusedDownloadCarriesNosniffToo()
    {
        var response = await factory.CreateClient().GetAsync("/blobs/documents/x/y/z.txt?expires=1&sig=bad");

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
    }
}
