using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Forge.Functions.Hosting;

/// <summary>Authenticates <c>X-API-Key</c>; the key's owner becomes the <c>sub</c> claim.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyService apiKeys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-API-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || string.IsNullOrWhiteSpace(values.ToString()))
        {
            return AuthenticateResult.NoResult();
        }
        var key = await apiKeys.AuthenticateAsync(values.ToString().Trim(), Context.RequestAborted);
        if (key is null)
        {
            return AuthenticateResult.Fail("Invalid or revoked API key.");
        }
        var identity = new ClaimsIdentity(
            [new Claim(ForgeClaims.Subject, key.UserId), new Claim(ForgeClaims.ApiKeyId, key.Id.ToString())],
            SchemeName, ForgeClaims.Subject, roleType: null);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}

public static class ForgeClaims
{
    public const string Subject = "sub";
    public const string ApiKeyId = "forge_api_key_id";
}
