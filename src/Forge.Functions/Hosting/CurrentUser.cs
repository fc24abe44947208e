using System.Security.Claims;

namespace Forge.Functions.Hosting;

/// <summary>The caller of the current request, for handlers that scope data to a user.</summary>
public interface ICurrentUser
{
    bool IsAuthenticated { get; }

    /// <summary>The JWT <c>sub</c> (or the API key's owner); throws <see cref="UnauthorizedException"/> (401) when there is none.</summary>
    string UserId { get; }

    /// <summary>The user when there is one: seed-001 routes opened by <c>Forge:Auth:AllowAnonymous</c> may have none.</summary>
    string? UserIdOrDefault { get; }

    /// <summary><c>jwt</c> or <c>api_key</c>; null when anonymous.</summary>
    string? AuthMethod { get; }
}

public sealed class HttpContextCurrentUser(IHttpContextAccessor accessor) : ICurrentUser
{
    private ClaimsPrincipal? Principal => accessor.HttpContext?.User;

    public bool IsAuthenticated => Principal?.Identity?.IsAuthenticated == true && UserIdOrDefault is not null;

    public string UserId => UserIdOrDefault ?? throw new UnauthorizedException();

    public string? UserIdOrDefault =>
        Principal?.Identity?.IsAuthenticated == true && Principal.FindFirst(ForgeClaims.Subject)?.Value is { Length: > 0 } sub ? sub : null;

    public string? AuthMethod => !IsAuthenticated
        ? null
        : Principal!.Identity!.AuthenticationType == ApiKeyAuthenticationHandler.SchemeName ? "api_key" : "jwt";
}
