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
}
