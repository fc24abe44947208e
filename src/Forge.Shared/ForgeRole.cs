using Microsoft.Extensions.Configuration;

namespace Forge.Shared;

/// <summary>
/// What this process does: serve the HTTP API, run the engine's workers, or both (the default).
/// Configured by <c>Forge:Role</c> or <c>--role api|worker|all</c>.
/// </summary>
public sealed record ForgeRole(ForgeRoleKind Kind)
{
    public const string ConfigurationKey = "Forge:Role";

    public bool IsApi => Kind is ForgeRoleKind.Api or ForgeRoleKind.All;

    public bool IsWorker => Kind is ForgeRoleKind.Worker or ForgeRoleKind.All;

    public static ForgeRole FromConfiguration(IConfiguration configuration)
    {
        var value = configuration[ConfigurationKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            return new ForgeRole(ForgeRoleKind.All);
        }
        return value.Trim().ToLowerInvariant() switch
        {
            "api" => new ForgeRole(ForgeRoleKind.Api),
            "worker" => new ForgeRole(ForgeRoleKind.Worker),
            "all" => new ForgeRole(ForgeRoleKind.All),
            _ => throw new InvalidOperationException($"{ConfigurationKey} (--role) must be 'api', 'worker' or 'all', not '{value}'."),
        };
    }
}

public enum ForgeRoleKind
{
    All,
    Api,
    Worker,
}
