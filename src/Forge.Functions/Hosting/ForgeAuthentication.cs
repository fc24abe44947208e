using Forge.Shared.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Forge.Functions.Hosting;

/// <summary>
/// JWT bearer (HS256 development key, or an OIDC authority) or <c>X-API-Key</c>, chosen by header; every
/// endpoint needs a user unless it says otherwise.
/// </summary>
public static class ForgeAuthentication
{
    public const string SchemeName = "Forge";

    public static WebApplicationBuilder AddForgeAuthentication(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => JwtSigningKey.Resolve(
            sp.GetRequiredService<IOptions<AuthOptions>>().Value, sp.GetRequiredService<IOptions<DataOptions>>().Value));
        services.AddSingleton(sp => new JwtTokenIssuer(
            sp.GetRequiredService<JwtSigningKey>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<AuthOptions>>().Value.Audience));
        services.AddScoped<ApiKeyService>();
        services.AddScoped<ICurrentUser, HttpContextCurrentUser>();

        services.AddAuthentication(SchemeName)
            .AddPolicyScheme(SchemeName, "JWT bearer or X-API-Key", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>, IServiceProvider>(ConfigureJwtBearer);

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Seed001Access.PolicyName, p => p.AddRequirements(new Seed001AccessRequirement()));
        services.AddSingleton<IAuthorizationHandler, Seed001AccessHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, UnmatchedRouteAuthorizationResultHandler>();
        return builder;
    }

    private static void ConfigureJwtBearer(JwtBearerOptions options, IOptions<AuthOptions> authOptions, IServiceProvider services)
    {
        var auth = authOptions.Value;
        // Keep "sub" as "sub" instead of the long WS-Federation claim URI: handlers and seeds speak of sub.
        options.MapInboundClaims = false;
        if (auth.UsesAuthority)
        {
            options.Authority = auth.Authority;
            options.Audience = auth.Audience;
            options.RequireHttpsMetadata = auth.RequireHttpsMetadata;
            options.TokenValidationParameters.NameClaimType = ForgeClaims.Subject;
            return;
        }
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = AuthOptions.Issuer,
            ValidAudience = auth.Audience,
            IssuerSigningKey = services.GetRequiredService<JwtSigningKey>().SecurityKey,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            NameClaimType = ForgeClaims.Subject,
            ClockSkew = TimeSpan.FromMinutes(1),
        };
    }
}

/// <summary>
/// The fallback policy also covers requests that matched no endpoint (and routing's 405 endpoint); those
/// serve nothing, so they go on to their 404/405 instead of asking an anonymous caller to log in first.
/// </summary>
public sealed class UnmatchedRouteAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private const string MethodNotAllowedEndpoint = "405 HTTP Method Not Supported";
    private readonly AuthorizationMiddlewareResultHandler defaultHandler = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var endpoint = context.GetEndpoint();
        if (!authorizeResult.Succeeded && (endpoint is null || endpoint.DisplayName == MethodNotAllowedEndpoint))
        {
            return next(context);
        }
        return defaultHandler.HandleAsync(next, context, policy, authorizeResult);
    }
}
