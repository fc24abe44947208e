namespace Forge.Functions.Health;

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        // Probes and load balancers call these without credentials.
        var group = routes.MapGroup("/health").AllowAnonymous().WithTags("Health");
        group.MapGet("", () => TypedResults.Ok(new HealthResponse("healthy")));
        group.MapGet("/detailed", () => TypedResults.Ok(new DetailedHealthResponse("healthy", "VRForge", "0.1.0")));
        return routes;
    }
}

public sealed record HealthResponse(string status);

public sealed record DetailedHealthResponse(string status, string service, string version);
