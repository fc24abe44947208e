using System.Net;
using System.Text;
using System.Text.Json;

namespace Forge.Tests.Hosting;

public sealed class ErrorResponseTests(ErrorTestFactory factory) : IClassFixture<ErrorTestFactory>
{
    [Fact]
    public async Task UnknownRouteReturns404InSeed001Shape()
    {
        var response = await factory.CreateClient().GetAsync("/api/v1/nothing-here");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        var body = await JsonBody(response);
        PropertyNames(body).Should().Equal("error", "details", "request_id");
        body.GetProperty("error").GetString().Should().Be("Not Found");
        body.GetProperty("details").EnumerateObject().Should().BeEmpty();
        body.GetProperty("request_id").GetString().Should().Be(response.Headers.GetValues("X-Request-ID").Single());
    }

    [Fact]
    public async Task UnknownTrainRouteReturns404InSeed002Shape()
    {
        var response = await factory.CreateClient().GetAsync("/api/train/x");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        var body = await JsonBody(response);
        PropertyNames(body).Should().Equal("code", "message", "timestamp");
        body.GetProperty("code").GetString().Should().Be("NOT_FOUND");
        body.GetProperty("timestamp").GetString().Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$");
    }

    [Fact]
    public async Task UnknownJobsRouteReturns404InSeed003ShapeWithoutDetails()
    {
        var response = await factory.CreateClient().GetAsync("/jobs/abc/unknown");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        var body = await JsonBody(response);
        PropertyNames(body).Should().Equal("error", "message");
        body.GetProperty("error").GetString().Should().Be("Not Found");
    }

    [Fact]
    public async Task WrongMethodReturns405Json()
    {
        var response = await factory.CreateClient().DeleteAsync("/health");

        response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        (await JsonBody(response)).GetProperty("error").GetString().Should().Be("Method Not Allowed");
    }

    [Fact]
    public async Task MalformedJsonReturns422WithDetails()
    {
        var response = await Post("/api/v1/test/items", "{\"name\": \"a\", ");

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var body = await JsonBody(response);
        body.GetProperty("error").GetString().Should().Be("Validation failed");
        body.GetProperty("details").EnumerateObject().Should().ContainSingle()
            .Which.Value.GetString().Should().StartWith("Malformed JSON");
    }

    [Fact]
    public async Task WrongJsonTypeReturns422NamingTheField()
    {
        var response = await Post("/api/v1/test/items", """{"name":"a","count":"many"}""");

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var details = (await JsonBody(response)).GetProperty("details");
        details.GetProperty("count").GetString().Should().Be("Invalid type");
    }

    [Fact]
    public async Task WrongJsonTypeOnJobsRouteReturns422InSeed003ShapeWithDetails()
    {
        var response = await Post("/jobs/test/items", """{"name":1}""");

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var body = await JsonBody(response);
        PropertyNames(body).Should().Equal("error", "message", "details");
        body.GetProperty("details").GetProperty("name").GetString().Should().Be("Invalid type");
    }

    [Theory]
    [InlineData("/api/v1/test/query?domain_id=not-a-uuid&limit=1", "domain_id")]
    [InlineData("/api/v1/test/query?limit=many", "limit")]
    [InlineData("/api/v1/test/query", "limit")]
    public async Task BindingFailuresNameTheParameterWithoutDotNetTypes(string route, string parameter)
    {
        var response = await factory.CreateClient().GetAsync(route);

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var details = (await JsonBody(response)).GetProperty("details");
        details.EnumerateObject().Select(p => p.Name).Should().Equal(parameter);
        details.GetProperty(parameter).GetString().Should().NotContainAny("Nullable", "Guid", "Int32", "<", "System.");
    }

    [Fact]
    public async Task AMissingBodyIs422NamingTheBody()
    {
        var response = await factory.CreateClient().PostAsync("/api/v1/test/items", new StringContent("", Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await JsonBody(response)).GetProperty("details").GetProperty("body").GetString().Should().StartWith("Field required");
    }

    [Fact]
    public async Task OversizedHeadersReturn431JsonInTheFamilyShape()
    {
        var client = factory.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/test/empty-404");
        request.Headers.Add("X-Big", new string('a', 40 * 1024));
        var manyHeaders = new HttpRequestMessage(HttpMethod.Get, "/api/train/x");
        for (var i = 0; i < 150; i++)
        {
            manyHeaders.Headers.Add($"X-H{i}", "v");
        }

        var big = await client.SendAsync(request);
        var many = await client.SendAsync(manyHeaders);

        big.StatusCode.Should().Be(HttpStatusCode.RequestHeaderFieldsTooLarge);
        PropertyNames(await JsonBody(big)).Should().Equal("error", "details", "request_id");
        many.StatusCode.Should().Be(HttpStatusCode.RequestHeaderFieldsTooLarge);
        (await JsonBody(many)).GetProperty("code").GetString().Should().Be("HEADERS_TOO_LARGE");
    }

    [Fact]
    public async Task OversizedBodyReturns413Json()
    {
        var response = await Post("/api/v1/test/items", $$"""{"name":"{{new string('x', 2048)}}","count":1}""");

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await JsonBody(response)).GetProperty("error").GetString().Should().Be("Payload Too Large");
    }

    [Fact]
    public async Task BodyWithinLimitIsAccepted()
    {
        var response = await Post("/api/v1/test/items", """{"name":"a","count":2,"unknown":true}""");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task UnhandledExceptionReturns500WithoutStackTraceOrExceptionText()
    {
        var response = await factory.CreateClient().GetAsync("/api/v1/test/boom");

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        var text = await response.Content.ReadAsStringAsync();
        text.Should().NotContain("hunter2").And.NotContain("InvalidOperationException").And.NotContain(" at ");
        JsonDocument.Parse(text).RootElement.GetProperty("error").GetString().Should().Be("Internal Server Error");
    }

    [Fact]
    public async Task NotFoundExceptionUsesSeed001Wording()
    {
        var response = await factory.CreateClient().GetAsync("/api/v1/test/documents/xyz");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await JsonBody(response)).GetProperty("error").GetString().Should().Be("Document with id 'xyz' not found");
    }

    [Fact]
    public async Task ValidationExceptionReturns422WithFieldDetails()
    {
        var response = await factory.CreateClient().GetAsync("/api/v1/test/validation");

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var details = (await JsonBody(response)).GetProperty("details");
        details.GetProperty("name").GetString().Should().Be("Field required");
        details.GetProperty("slug").GetString().Should().Be("Invalid format");
    }

    [Fact]
    public async Task ConflictExceptionReturns409()
    {
        var response = await factory.CreateClient().GetAsync("/api/v1/test/conflict");

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await JsonBody(response)).GetProperty("error").GetString().Should().Be("Slug 'legal' already exists");
    }

    [Fact]
    public async Task TrainRouteErrorCarriesItsSeed002Code()
    {
        var response = await factory.CreateClient().GetAsync("/api/train/test/start");

        response.StatusCode.Should().Be((HttpStatusCode)402);
        var body = await JsonBody(response);
        body.GetProperty("code").GetString().Should().Be("INSUFFICIENT_CREDITS");
        body.GetProperty("message").GetString().Should().Be("Not enough credits");
    }

    [Fact]
    public async Task JobsRouteNotFoundUsesSeed003Shape()
    {
        var response = await factory.CreateClient().GetAsync("/jobs/test/missing");

        var body = await JsonBody(response);
        body.GetProperty("error").GetString().Should().Be("Not Found");
        body.GetProperty("message").GetString().Should().Be("Job with id 'j-1' not found");
    }

    [Fact]
    public async Task JobsRouteRateLimitCarriesRetryAfter()
    {
        var response = await factory.CreateClient().GetAsync("/jobs/test/limited");

        response.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(60));
        var body = await JsonBody(response);
        body.GetProperty("error").GetString().Should().Be("Too Many Requests");
        body.GetProperty("retry_after").GetInt32().Should().Be(60);
    }

    [Fact]
    public async Task BodilessNotFoundResultGetsAJsonBody()
    {
        var response = await factory.CreateClient().GetAsync("/api/v1/test/empty-404");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await JsonBody(response)).GetProperty("error").GetString().Should().Be("Not Found");
    }

    [Fact]
    public async Task ForbiddenOnJobsRouteUsesSeed003Shape()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", factory.IssueToken("alice"));

        var response = await client.GetAsync("/jobs/test/admin");

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"error":"Forbidden","message":"Insufficient permissions"}""");
    }

    [Fact]
    public async Task UnauthorizedOnTrainRouteUsesSeed002Shape()
    {
        var response = await factory.CreateClient().GetAsync("/api/train/test/protected");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var body = await JsonBody(response);
        PropertyNames(body).Should().Equal("code", "message", "timestamp");
        body.GetProperty("code").GetString().Should().Be("UNAUTHORIZED");
    }

    private Task<HttpResponseMessage> Post(string path, string json) =>
        factory.CreateClient().PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<JsonElement> JsonBody(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var text = await response.Content.ReadAsStringAsync();
        text.Should().NotBeNullOrWhiteSpace();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static IEnumerable<string> PropertyNames(JsonElement element) => element.EnumerateObject().Select(p => p.Name);
}
