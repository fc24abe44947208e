using Forge.Shared;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Forge.Functions.Hosting;

/// <summary>Cross-cutting host concerns: configuration sources, errors, request ids, auth, OpenAPI.</summary>
public static partial class HostingExtensions
{
    /// <summary>Call first: it adds host.json and local.settings.json, which the other Add* calls read.</summary>
    public static WebApplicationBuilder AddForgeHosting(this WebApplicationBuilder builder)
    {
        builder.AddForgeConfiguration();
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();

        services.AddOptions<HttpOptions>().BindConfiguration(HttpOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddForgeForwardedHeaders();
        var http = builder.Configuration.GetSection(HttpOptions.SectionName).Get<HttpOptions>() ?? new HttpOptions();
        var maxBody = http.MaxRequestBodyBytes;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = maxBody;
            kestrel.Limits.MaxRequestHeadersTotalSize = http.MaxRequestHeadersTotalBytes * HttpOptions.KestrelHeaderHeadroom;
            kestrel.Limits.MaxRequestHeaderCount = http.MaxRequestHeaderCount * HttpOptions.KestrelHeaderHeadroom;
        });
        services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = Math.Max(o.MultipartBodyLengthLimit, maxBody));

        // Binding failures throw so the exception handler can answer 422 in the route's error shape, not an empty 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<ForgeExceptionHandler>();
        services.ConfigureHttpJsonOptions(o => StrictJson.Apply(o.SerializerOptions));

        builder.AddForgeAuthentication();
        services.AddForgeOpenApi();
        return builder;
    }

    public static WebApplication UseForgeHosting(this WebApplication app)
    {
        // First, so everything after (download URLs above all) sees the scheme and host the client called.
        app.UseForwardedHeaders();
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            AllowStatusCode404Response = true,
            // Only reached if ForgeExceptionHandler could not write (it always does); never fall back to HTML.
            ExceptionHandler = context => ApiErrorWriter.WriteAsync(context, new ApiError(StatusCodes.Status500InternalServerError)),
        });
        // Bodiless error statuses (unknown route, 405, 401/403 challenges, TypedResults.NotFound()) get the family shape.
        app.UseStatusCodePages(context => ApiErrorWriter.WriteAsync(context.HttpContext, new ApiError(context.HttpContext.Response.StatusCode)));
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        app.UseForgeApiDocs();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapForgeOpenApi();
        app.MapAuthApi();
        foreach (var extension in app.Services.GetServices<EndpointExtension>())
        {
            extension.Map(app);
        }
        LogDevelopmentToken(app);
        return app;
    }

    /// <summary>
    /// So a new user can call protected routes at once, without running the token verb first. Only in
    /// Development: anywhere else a working token in the logs is a credential handed to whoever reads them.
    /// </summary>
    private static void LogDevelopmentToken(WebApplication app)
    {
        var auth = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        var role = app.Services.GetRequiredService<ForgeRole>();
        if (!app.Environment.IsDevelopment() || auth.UsesAuthority || !role.IsApi)
        {
            return;
        }
        var token = app.Services.GetRequiredService<JwtTokenIssuer>().Issue("dev", JwtTokenIssuer.DefaultLifetime);
        LogToken(app.Logger, JwtTokenIssuer.DefaultLifetime.TotalHours, token);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Development token for user 'dev' (valid {Hours} h): Authorization: Bearer {Token}")]
    private static partial void LogToken(ILogger logger, double hours, string token);
}

/// <summary>
/// Extra endpoints mapped inside the Forge pipeline (errors, request ids, auth apply to them), registered in
/// DI by a host that embeds Forge; the API tests use it for endpoints that exercise the pipeline.
/// </summary>
public sealed record EndpointExtension(Action<IEndpointRouteBuilder> Map);
