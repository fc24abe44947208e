using System.Net;
using System.Text.Json;
using Forge.Tests.Infrastructure;

namespace Forge.Tests.Hosting;

public sealed class OpenApiTests(ForgeApiFactory factory) : IClassFixture<ForgeApiFactory>
{
    [Fact]
    public async Task OpenApiDocumentIsServedAnonymouslyWithBothSecuritySchemes()
    {
        var response = await factory.CreateClient().GetAsync("/openapi/v1.json");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        document.GetProperty("paths").TryGetProperty("/api/v1/auth/me", out _).Should().BeTrue();
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        schemes.GetProperty("Bearer").GetProperty("scheme").GetString().Should().Be("bearer");
        schemes.GetProperty("ApiKey").GetProperty("name").GetString().Should().Be("X-API-Key");
        schemes.GetProperty("ApiKey").GetProperty("in").GetString().Should().Be("header");
    }

    [Fact]
    public async Task DocsServesSwaggerUiHtmlAnonymously()
    {
        var response = await factory.CreateClient().GetAsync("/docs/index.html");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        (await response.Content.ReadAsStringAsync()).Should().Contain("swagger-ui");
    }

    [Fact]
    public async Task DocsWithoutTrailingPathRedirectsToTheUi()
    {
        var response = await factory.CreateClient().GetAsync("/docs");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.RequestMessage!.RequestUri!.AbsolutePath.Should().Be("/docs/index.html");
    }
}
