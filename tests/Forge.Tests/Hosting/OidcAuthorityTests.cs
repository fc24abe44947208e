using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Forge.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Forge.Tests.Hosting;

/// <summary>
/// Forge configured with <c>Forge:Auth:Authority</c> against a real in-process OIDC provider (discovery and
/// JWKS over HTTP on a loopback port), as Entra ID would be used in production.
/// </summary>
public sealed class OidcAuthorityTests(OidcAuthorityFixture fixture) : IClassFixture<OidcAuthorityFixture>
{
    private const string MePath = "/api/v1/auth/me";

    [Fact]
    public async Task TokenFromTheAuthorityReturnsTheUser()
    {
        var token = fixture.Provider.IssueToken("erin");

        var response = await GetMe(token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"user_id":"erin","auth_method":"jwt"}""");
    }

    [Fact]
    public async Task TokenSignedByAnotherRsaKeyReturns401()
    {
        // Same key id as the authority's published key, so only the signature can reject it.
        using var otherKey = RSA.Create(2048);
        var token = fixture.Provider.IssueToken("mallory", signingKey: otherKey);

        await ShouldBe401InSeed001Shape(await GetMe(token));
    }

    [Fact]
    public async Task TokenWithAnotherIssuerReturns401()
    {
        var token = fixture.Provider.IssueToken("mallory", issuer: "https://login.example.com/other-tenant/v2.0");

        await ShouldBe401InSeed001Shape(await GetMe(token));
    }

    [Fact]
    public async Task TokenForAnotherAudienceReturns401()
    {
        var token = fixture.Provider.IssueToken("mallory", audience: "someone-else");

        await ShouldBe401InSeed001Shape(await GetMe(token));
    }

    [Fact]
    public async Task DevelopmentTokenIsNotAcceptedWhenAnAuthorityIsConfigured()
    {
        // A token Forge's own HS256 issuer would mint (its generated key, iss "forge", aud "forge-api").
        var token = fixture.Forge.IssueToken("alice");

        await ShouldBe401InSeed001Shape(await GetMe(token));
        fixture.Provider.JwksRequests.Should().BeGreaterThan(0, "the authority's keys are what Forge validates against");
    }

    private static async Task ShouldBe401InSeed001Shape(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("error").GetString().Should().Be("Unauthorized");
        body.GetProperty("details").ValueKind.Should().Be(JsonValueKind.Object);
        body.GetProperty("request_id").GetString().Should().NotBeNullOrEmpty();
    }

    private Task<HttpResponseMessage> GetMe(string bearer)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, MePath);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return fixture.Forge.CreateClient().SendAsync(request);
    }
}

/// <summary>One OIDC provider and one Forge host trusting it, shared by the tests of a class.</summary>
public sealed class OidcAuthorityFixture : IAsyncLifetime
{
    public TestOidcProvider Provider { get; } = new();

    public ForgeApiFactory Forge { get; } = new();

    public async Task InitializeAsync()
    {
        await Provider.StartAsync();
        Forge.WithSetting("Forge:Auth:Authority", Provider.Issuer)
            .WithSetting("Forge:Auth:Audience", "forge-api")
            .WithSetting("Forge:Auth:RequireHttpsMetadata", "false");
    }

    public async Task DisposeAsync()
    {
        await Forge.DisposeAsync();
        await Provider.DisposeAsync();
    }
}

/// <summary>
/// A minimal OIDC provider on Kestrel: <c>/.well-known/openid-configuration</c> and <c>/jwks</c> with one
/// RSA key generated per instance; tokens are signed RS256 with its private half.
/// </summary>
public sealed class TestOidcProvider : IAsyncDisposable
{
    public const string KeyId = "test-key-1";

    private readonly RSA rsa = RSA.Create(2048);
    private WebApplication? app;
    private int jwksRequests;

    /// <summary>The provider's base URL (no trailing slash): the authority and the tokens' <c>iss</c>.</summary>
    public string Issuer { get; private set; } = "";

    public int JwksRequests => Volatile.Read(ref jwksRequests);

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        app = builder.Build();

        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["jwks_uri"] = $"{Issuer}/jwks",
            ["id_token_signing_alg_values_supported"] = new[] { SecurityAlgorithms.RsaSha256 },
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
        }));
        app.MapGet("/jwks", () =>
        {
            Interlocked.Increment(ref jwksRequests);
            var publicKey = rsa.ExportParameters(includePrivateParameters: false);
            return Results.Json(new
            {
                keys = new[]
                {
                    new Dictionary<string, string>
                    {
                        ["kty"] = "RSA",
                        ["use"] = "sig",
                        ["alg"] = SecurityAlgorithms.RsaSha256,
                        ["kid"] = KeyId,
                        ["n"] = Base64UrlEncoder.Encode(publicKey.Modulus!),
                        ["e"] = Base64UrlEncoder.Encode(publicKey.Exponent!),
                    },
                },
            });
        });

        await app.StartAsync();
        Issuer = app.Urls.Single().TrimEnd('/');
    }

    public string IssueToken(string subject, string? issuer = null, string audience = "forge-api", RSA? signingKey = null)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, subject)]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(1),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signingKey ?? rsa) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
        rsa.Dispose();
    }
}

public sealed class AuthOptionsValidationTests
{
    [Theory]
    [InlineData("http://login.example.com/tenant/v2.0", true, "must use https")]
    [InlineData("not a url", true, "must be an absolute URL")]
    [InlineData("short", false, "must be an absolute URL")]
    public void MisconfiguredAuthorityIsRefusedAtStartWithAClearMessage(string authority, bool requireHttps, string message)
    {
        var options = new Forge.Functions.Hosting.AuthOptions { Authority = authority, RequireHttpsMetadata = requireHttps };

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        errors.Should().ContainSingle().Which.ErrorMessage.Should().Contain(message);
    }

    [Theory]
    [InlineData("https://login.microsoftonline.com/tenant/v2.0", true)]
    [InlineData("http://127.0.0.1:5000", false)]
    public void AuthorityThatCanBeReachedIsAccepted(string authority, bool requireHttps)
    {
        var options = new Forge.Functions.Hosting.AuthOptions { Authority = authority, RequireHttpsMetadata = requireHttps };

        options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Should().BeEmpty();
    }

    [Fact]
    public void HostWithAPlainHttpAuthorityDoesNotStart()
    {
        using var factory = new Forge.Tests.Infrastructure.ForgeApiFactory().WithSetting("Forge:Auth:Authority", "http://127.0.0.1:9");

        FluentActions.Invoking(() => factory.CreateClient()).Should().Throw<Exception>()
            .Where(e => e.ToString().Contains("Forge:Auth:Authority must use https"));
    }
}
