using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Forge.Functions.Hosting;

/// <summary>
/// Seed 001 was written before auth existed. Its routes (domains, documents, segments, templates, datasets,
/// review, models, training-jobs) carry this marker so <c>Forge:Auth:AllowAnonymous=true</c> can open them
/// for its legacy frontend; with the flag off (the default) they need a user like every other route.
/// </summary>
public static class Seed001Access
{
    public const string PolicyName = "forge:seed-001";

    /// <summary>Put this on a seed-001 group. Do not add <c>RequireAuthorization()</c> as well: policies combine, and the flag would stop working.</summary>
    public static TBuilder AllowAnonymousForLegacySeed001<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(PolicyName);

    /// <summary><c>routes.MapSeed001Group("/api/v1/domains")</c>: a group already marked as seed 001.</summary>
    public static RouteGroupBuilder MapSeed001Group(this IEndpointRouteBuilder routes, string prefix) =>
        routes.MapGroup(prefix).AllowAnonymousForLegacySeed001();
}

public sealed class Seed001AccessRequirement : IAuthorizationRequirement;

public sealed class Seed001AccessHandler(IOptionsMonitor<AuthOptions> options) : AuthorizationHandler<Seed001AccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, Seed001AccessRequirement requirement)
    {
        if (options.CurrentValue.AllowAnonymous || context.User.Identity?.IsAuthenticated == true)
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
