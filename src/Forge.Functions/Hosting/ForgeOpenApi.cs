using Microsoft.OpenApi;

namespace Forge.Functions.Hosting;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c> and Swagger UI at <c>/docs</c>, both anonymous.</summary>
public static class ForgeOpenApi
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string BearerScheme = "Bearer";
    public const string ApiKeyScheme = "ApiKey";

    public static IServiceCollection AddForgeOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Forge API";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT: `dotnet run --project src/Forge.Functions -- token --user alice` prints one for development.",
            };
            document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthenticationHandler.HeaderName,
                Description = "An API key from `apikey create --user alice --name ci`.",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] });
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] });
            return Task.CompletedTask;
        }));

    public static WebApplication UseForgeApiDocs(this WebApplication app)
    {
        app.UseSwaggerUI(options =>
        {
            options.RoutePrefix = "docs";
            options.SwaggerEndpoint(DocumentPath, "Forge API v1");
            options.DocumentTitle = "Forge API";
        });
        return app;
    }

    public static WebApplication MapForgeOpenApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        return app;
    }
}
