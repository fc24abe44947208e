using Forge.Functions.Hosting;
using Forge.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Forge.Tests.Hosting;

/// <summary>Test-only endpoints, mapped inside the Forge pipeline, that fail in each way the error handling must cover.</summary>
public sealed class ErrorTestFactory : ForgeApiFactory
{
    public const string SecretDetail = "connection string Password=hunter2 leaked";

    public ErrorTestFactory()
    {
        WithSetting("Forge:Http:MaxRequestBodyBytes", "1024");
        WithEndpoints(routes =>
        {
            var group = routes.MapGroup("").AllowAnonymous();
            group.MapPost("/api/v1/test/items", (TestItem item) => TypedResults.Ok(item));
            group.MapPost("/jobs/test/items", (TestItem item) => TypedResults.Ok(item));
            group.MapGet("/api/v1/test/boom", IResult () => throw new InvalidOperationException(SecretDetail));
            group.MapGet("/api/v1/test/documents/{id}", IResult (string id) => throw new NotFoundException("Document", id));
            group.MapGet("/api/v1/test/validation", IResult () => throw new ValidationException(
                new Dictionary<string, string> { ["name"] = "Field required", ["slug"] = "Invalid format" }));
            group.MapGet("/api/v1/test/conflict", IResult () => throw new ConflictException("Slug 'legal' already exists"));
            group.MapGet("/api/train/test/start", IResult () => throw new ForgeApiException(402, "Not enough credits", "INSUFFICIENT_CREDITS"));
            group.MapGet("/jobs/test/missing", IResult () => throw new NotFoundException("Job", "j-1"));
            group.MapGet("/jobs/test/limited", IResult () => throw new TooManyRequestsException(60));
            group.MapGet("/api/v1/test/empty-404", () => TypedResults.NotFound());
            group.MapGet("/api/v1/test/query", (Guid? domain_id, int limit) => TypedResults.Ok(new { domain_id, limit }));
            routes.MapGet("/jobs/test/admin", () => TypedResults.Ok()).RequireAuthorization(p => p.RequireClaim("admin"));
            routes.MapGet("/api/train/test/protected", () => TypedResults.Ok());
        });
    }
}

public sealed record TestItem(string Name, int Count);
