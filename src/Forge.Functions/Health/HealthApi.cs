namespace Forge.Functions.Health;

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", () => TypedResults.Ok(new HealthResponse("healthy")));
        routes.MapGet("/health/detailed", () => TypedResults.Ok(new DetailedHealthResponse("healthy", "VRForge", "0.1.0")));
        return routes;
    }
}

public sealed record HealthResponse(string status);

public sealed record DetailedHealthResponse(string status, string service, string version);
