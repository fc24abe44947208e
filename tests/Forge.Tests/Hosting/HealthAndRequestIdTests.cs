using System.Net;
using Forge.Tests.Infrastructure;

namespace Forge.Tests.Hosting;

public abstract class HealthAndRequestIdContract(ForgeApiFactory factory)
{
    private const string RequestIdHeader = "X-Request-ID";

    [Fact]
    public async Task HealthReturnsExactSeedBodyWithoutCredentials()
    {
        var response = await factory.CreateClient().GetAsync("/health");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"status":"healthy"}""");
    }

    [Fact]
    public async Task DetailedHealthReturnsExactSeedBody()
    {
        var response = await factory.CreateClient().GetAsync("/health/detailed");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"status":"healthy","service":"VRForge","version":"0.1.0"}""");
    }

    [Fact]
    public async Task ResponseWithoutIncomingRequestIdGetsA32HexId()
    {
        var response = await factory.CreateClient().GetAsync("/health");

        response.Headers.GetValues(RequestIdHeader).Single().Should().MatchRegex("^[0-9a-f]{32}$");
    }

    [Fact]
    public async Task ValidIncomingRequestIdIsKept()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Add(RequestIdHeader, "abc123def456:trace-1.2_x");

        var response = await factory.CreateClient().SendAsync(request);

        response.Headers.GetValues(RequestIdHeader).Single().Should().Be("abc123def456:trace-1.2_x");
    }

    [Theory]
    [InlineData("has spaces")]
    [InlineData("<script>")]
    public async Task InvalidIncomingRequestIdIsReplaced(string incoming)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.TryAddWithoutValidation(RequestIdHeader, incoming);

        var response = await factory.CreateClient().SendAsync(request);

        response.Headers.GetValues(RequestIdHeader).Single().Should().MatchRegex("^[0-9a-f]{32}$");
    }

    [Fact]
    public async Task TooLongIncomingRequestIdIsReplaced()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Add(RequestIdHeader, new string('a', 129));

        var response = await factory.CreateClient().SendAsync(request);

        response.Headers.GetValues(RequestIdHeader).Single().Should().MatchRegex("^[0-9a-f]{32}$");
    }

    [Theory]
    [InlineData("/does-not-exist", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/auth/me", HttpStatusCode.Unauthorized)]
    public async Task ErrorResponsesCarryTheRequestIdInHeaderAndBody(string path, HttpStatusCode expected)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(RequestIdHeader, "req-42");

        var response = await factory.CreateClient().SendAsync(request);

        response.StatusCode.Should().Be(expected);
        response.Headers.GetValues(RequestIdHeader).Single().Should().Be("req-42");
        var body = await response.Content.ReadAsStringAsync();
        System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("request_id").GetString().Should().Be("req-42");
    }
}

public sealed class HealthAndRequestIdTests(ForgeApiFactory factory) : HealthAndRequestIdContract(factory), IClassFixture<ForgeApiFactory>;

public sealed class PostgresHealthAndRequestIdTests(PostgresForgeApiFactory factory) : HealthAndRequestIdContract(factory), IClassFixture<PostgresForgeApiFactory>;
