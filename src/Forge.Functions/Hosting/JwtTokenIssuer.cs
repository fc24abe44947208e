using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Forge.Functions.Hosting;

/// <summary>Mints development tokens (the <c>token</c> verb and the start-up hint) that the server accepts.</summary>
public sealed class JwtTokenIssuer(JwtSigningKey signingKey, TimeProvider time, string audience = AuthOptions.DefaultAudience)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(12);

    public string Issue(string userId, TimeSpan lifetime)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        var now = time.GetUtcNow().UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = AuthOptions.Issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, userId)]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.Add(lifetime),
            SigningCredentials = new SigningCredentials(signingKey.SecurityKey, SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
