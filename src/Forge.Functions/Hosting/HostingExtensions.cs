namespace Forge.Functions.Hosting;

/// <summary>Cross-cutting host concerns: configuration sources, errors, request ids, auth, OpenAPI.</summary>
public static class HostingExtensions
{
    public static WebApplicationBuilder AddForgeHosting(this WebApplicationBuilder builder) => builder;

    public static WebApplication UseForgeHosting(this WebApplication app) => app;
}
