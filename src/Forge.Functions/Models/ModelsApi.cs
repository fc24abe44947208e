using Forge.Functions.Hosting;
using Forge.Shared.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.Models;

public static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapSeed001Group("/api/v1/models").WithTags("Models");
        group.MapPost("/", CreateModel);
        group.MapGet("/", ListModels);
        group.MapGet("/{model_id:guid}", GetModel);
        return routes;
    }

    public static async Task<Created<ModelResponse>> CreateModel(CreateModelRequest request, ForgeDbContext db, TimeProvider time, CancellationToken ct)
    {
        var rules = new FieldRules()
            .Required("name", request.Name, 1, 200)
            .Check(request.Name is null || !string.IsNullOrWhiteSpace(request.Name), "name", "Must not be blank")
            .Required("base_model", request.BaseModel, 1, 200)
            .Required("provider", request.Provider, 1, 50)
            .Length("model_family", request.ModelFamily, 0, 100)
            .Length("version", request.Version, 0, 100);
        rules.ThrowIfAny();
        if (request.DomainId is { } domainId && !await db.Domains.AnyAsync(d => d.Id == domainId, ct))
        {
            throw new NotFoundException("Domain", domainId);
        }
        if (await db.Models.AnyAsync(m => m.Name == request.Name, ct))
        {
            throw new ValidationException("name", $"A model named '{request.Name}' already exists");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var model = new TrainingModel
        {
            Id = Guid.CreateVersion7(),
            DomainId = request.DomainId,
            Name = request.Name!,
            BaseModel = request.BaseModel!,
            Provider = request.Provider!,
            ModelFamily = request.ModelFamily,
            Version = request.Version,
            Config = request.Config ?? [],
            Capabilities = request.Capabilities ?? [],
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Models.Add(model);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two requests with the same name at once: the unique index decided.
            if (await NameTakenAsync(db, model.Name, ct))
            {
                throw new ValidationException("name", $"A model named '{request.Name}' already exists");
            }
            throw;
        }
        return TypedResults.Created($"/api/v1/models/{model.Id}", model.ToResponse());
    }

    public static async Task<Ok<List<ModelResponse>>> ListModels(ForgeDbContext db, CancellationToken ct, Guid? domain_id = null, string? provider = null)
    {
        var query = db.Models.AsNoTracking();
        if (domain_id is not null)
        {
            query = query.Where(m => m.DomainId == domain_id);
        }
        if (provider is not null)
        {
            query = query.Where(m => m.Provider == provider);
        }
        var models = await query.OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).ToListAsync(ct);
        return TypedResults.Ok(models.Select(m => m.ToResponse()).ToList());
    }

    public static async Task<Ok<ModelResponse>> GetModel(Guid model_id, ForgeDbContext db, CancellationToken ct)
    {
        var model = await db.Models.AsNoTracking().FirstOrDefaultAsync(m => m.Id == model_id, ct) ?? throw new NotFoundException("Model", model_id);
        return TypedResults.Ok(model.ToResponse());
    }

    private static async Task<bool> NameTakenAsync(ForgeDbContext db, string name, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        return await db.Models.AnyAsync(m => m.Name == name, ct);
    }
}
