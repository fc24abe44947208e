using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Forge.Functions.Hosting;
using Forge.Shared.Data;
using Forge.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Tests.Hosting;

/// <summary>Authentication over HTTP, run on each database (API keys are stored and looked up in it).</summary>
public abstract class AuthContract(ForgeApiFactory factory)
{
    private const string MePath = "/api/v1/auth/me";

    [Fact]
    public async Task MeWithoutCredentialsReturns401InSeed001Shape()
    {
        var response = await factory.CreateClient().GetAsync(MePath);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("error").GetString().Should().Be("Unauthorized");
        body.GetProperty("details").ValueKind.Should().Be(JsonValueKind.Object);
        body.GetProperty("request_id").GetString().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task MeWithTokenFromTheCliIssuerReturnsTheUser()
    {
        var response = await GetMe(bearer: factory.IssueToken("alice"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"user_id":"alice","auth_method":"jwt"}""");
    }

    [Fact]
    public async Task MeWithApiKeyFromTheCliServiceReturnsTheOwner()
    {
        var created = await factory.CreateApiKeyAsync("bob", "ci");

        var response = await GetMe(apiKey: created.Key);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"user_id":"bob","auth_method":"api_key"}""");
    }

    [Fact]
    public async Task ApiKeyIsStoredOnlyAsItsHashAndRecordsLastUse()
    {
        var created = await factory.CreateApiKeyAsync("carol", "laptop");
        created.Key.Should().StartWith("fk_");

        (await GetMe(apiKey: created.Key)).StatusCode.Should().Be(HttpStatusCode.OK);

        var stored = await factory.WithScopeAsync(sp => sp.GetRequiredService<ForgeDbContext>().ApiKeys.AsNoTracking().SingleAsync(k => k.Id == created.Entity.Id));
        stored.KeyHash.Should().Be(ApiKeyService.Hash(created.Key)).And.NotContain(created.Key);
        created.Key.Should().StartWith(stored.Prefix);
        stored.LastUsedAt.Should().NotBeNull();
    }

    [Fact]
    public async Task RevokedApiKeyReturns401()
    {
        var created = await factory.CreateApiKeyAsync("dave");
        await factory.WithScopeAsync(sp => sp.GetRequiredService<ApiKeyService>().RevokeAsync(created.Entity.Id, CancellationToken.None));

        var response = await GetMe(apiKey: created.Key);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task UnknownApiKeyReturns401()
    {
        (await GetMe(apiKey: "fk_not-a-real-key")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task TokenSignedWithAnotherKeyReturns401()
    {
        var otherKey = JwtSigningKey.Resolve(new AuthOptions { SigningKey = new string('k', 48) }, new DataOptions());
        var token = new JwtTokenIssuer(otherKey, TimeProvider.System).Issue("mallory", TimeSpan.FromHours(1));

        (await GetMe(bearer: token)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ExpiredTokenReturns401()
    {
        var key = factory.Services.GetRequiredService<JwtSigningKey>();
        var threeHoursAgo = new FixedTimeProvider(DateTimeOffset.UtcNow.AddHours(-3));
        var token = new JwtTokenIssuer(key, threeHoursAgo).Issue("alice", TimeSpan.FromHours(1));

        (await GetMe(bearer: token)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task TokenForAnotherAudienceReturns401()
    {
        var key = factory.Services.GetRequiredService<JwtSigningKey>();
        var token = new JwtTokenIssuer(key, TimeProvider.System, audience: "someone-else").Issue("alice", TimeSpan.FromHours(1));

        (await GetMe(bearer: token)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task GeneratedSigningKeyIsPersistedUnderTheDataFolder()
    {
        factory.Services.GetRequiredService<JwtSigningKey>().Generated.Should().BeTrue();

        var path = Path.Combine(factory.DataPath, "keys", JwtSigningKey.KeyFileName);
        File.Exists(path).Should().BeTrue();
        (await File.ReadAllTextAsync(path)).Trim().Should().Be(factory.Services.GetRequiredService<JwtSigningKey>().Value);
    }

    private Task<HttpResponseMessage> GetMe(string? bearer = null, string? apiKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, MePath);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        if (apiKey is not null)
        {
            request.Headers.Add("X-API-Key", apiKey);
        }
        return factory.CreateClient().SendAsync(request);
    }
}

public sealed class SqliteAuthTests(ForgeApiFactory factory) : AuthContract(factory), IClassFixture<ForgeApiFactory>;

public sealed class PostgresAuthTests : AuthContract, IClassFixture<PostgresForgeApiFactory>
{
    private readonly PostgresForgeApiFactory postgres;

    public PostgresAuthTests(PostgresForgeApiFactory factory)
        : base(factory) => postgres = factory;

    [Fact]
    public void HostUsesThePostgresDatabase()
    {
        using var scope = postgres.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<ForgeDbContext>().Provider.Should().Be(DatabaseProvider.Postgres);
    }
}

internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
