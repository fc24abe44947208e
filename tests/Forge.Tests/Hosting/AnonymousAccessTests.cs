using System.Net;
using Forge.Functions.Hosting;
using Forge.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Forge.Tests.Hosting;

public sealed class AnonymousAccessTests
{
    private const string Seed001Route = "/api/v1/test-domains";
    private const string OtherRoute = "/api/v1/test-other";

    [Fact]
    public async Task AllowAnonymousFlagOpensSeed001GroupsButNotOtherRoutes()
    {
        using var factory = Create(allowAnonymous: true);
        var client = factory.CreateClient();

        (await client.GetAsync(Seed001Route)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync(OtherRoute)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await client.GetAsync("/api/v1/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task WithoutTheFlagSeed001GroupsNeedAUser()
    {
        using var factory = Create(allowAnonymous: false);
        var client = factory.CreateClient();

        (await client.GetAsync(Seed001Route)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        client.DefaultRequestHeaders.Authorization = new("Bearer", factory.IssueToken("erin"));
        var response = await client.GetAsync(Seed001Route);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("\"erin\"");
    }

    private static ForgeApiFactory Create(bool allowAnonymous) => new ForgeApiFactory()
        .WithSetting("Forge:Auth:AllowAnonymous", allowAnonymous ? "true" : "false")
        .WithEndpoints(MapTestRoutes);

    private static void MapTestRoutes(IEndpointRouteBuilder routes)
    {
        routes.MapSeed001Group(Seed001Route).MapGet("", (ICurrentUser user) => TypedResults.Ok(user.UserIdOrDefault ?? "anonymous"));
        routes.MapGet(OtherRoute, () => TypedResults.Ok("other"));
    }
}
