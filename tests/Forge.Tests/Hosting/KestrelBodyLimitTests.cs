using System.Net;
using System.Text;
using System.Text.Json;

namespace Forge.Tests.Hosting;

/// <summary>Over real Kestrel: a chunked body declares no length, so only Kestrel's limit can stop it.</summary>
public sealed class KestrelBodyLimitTests
{
    [Fact]
    public async Task OversizedChunkedBodyReturns413JsonOverKestrel()
    {
        using var factory = new ErrorTestFactory();
        factory.UseKestrel(0);
        factory.StartServer();
        using var client = factory.CreateClient();

        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"name":"{{new string('x', 4096)}}","count":1}""")));
        content.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/test/items") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString().Should().Be("Payload Too Large");
    }

    [Fact]
    public async Task OversizedHeadersReturn431JsonOverKestrel()
    {
        using var factory = new ErrorTestFactory();
        factory.UseKestrel(0);
        factory.StartServer();
        using var client = factory.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/test/empty-404");
        request.Headers.Add("X-Big", new string('a', 48 * 1024));

        var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.RequestHeaderFieldsTooLarge);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("error").GetString().Should().StartWith("Request headers too large");
        body.GetProperty("request_id").GetString().Should().NotBeNullOrEmpty();
    }
}
