using System.ComponentModel.DataAnnotations;

namespace Forge.Functions.Hosting;

public sealed class AuthOptions : IValidatableObject
{
    public const string SectionName = "Forge:Auth";
    public const string Issuer = "forge";
    public const string DefaultAudience = "forge-api";
    public const int MinimumSigningKeyLength = 32;

    /// <summary>HS256 key (at least 32 characters). When neither this nor <see cref="Authority"/> is set, a key is generated under the data folder.</summary>
    public string? SigningKey { get; set; }

    /// <summary>An OIDC authority (e.g. Entra ID) whose tokens are accepted instead of the symmetric key.</summary>
    public string? Authority { get; set; }

    public string Audience { get; set; } = DefaultAudience;

    /// <summary>Whether the <see cref="Authority"/>'s metadata must be fetched over HTTPS; only a local test provider turns it off.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Opens the seed-001 routes (written before auth existed) to callers without credentials.</summary>
    public bool AllowAnonymous { get; set; }

    public bool UsesAuthority => !string.IsNullOrWhiteSpace(Authority);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(SigningKey) && SigningKey.Length < MinimumSigningKeyLength)
        {
            yield return new ValidationResult($"Forge:Auth:SigningKey must be at least {MinimumSigningKeyLength} characters (HS256 needs 256 bits).", [nameof(SigningKey)]);
        }
        if (string.IsNullOrWhiteSpace(Audience))
        {
            yield return new ValidationResult("Forge:Auth:Audience must not be empty.", [nameof(Audience)]);
        }
        if (UsesAuthority && !Uri.TryCreate(Authority, UriKind.Absolute, out _))
        {
            yield return new ValidationResult($"Forge:Auth:Authority must be an absolute URL, not '{Authority}'.", [nameof(Authority)]);
        }
        else if (UsesAuthority && RequireHttpsMetadata && !Authority!.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            // Otherwise every request with a token would fail at the first metadata fetch, long after start-up.
            yield return new ValidationResult("Forge:Auth:Authority must use https (or set Forge:Auth:RequireHttpsMetadata=false for a local test provider).", [nameof(Authority)]);
        }
    }
}
