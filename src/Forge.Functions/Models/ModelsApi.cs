using Forge.Functions.Hosting;
using Forge.Functions.TrainingJobs;
using Forge.Shared.Data;
using Forge.Shared.Training;
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
        group.MapPut("/{model_id:guid}", UpdateModel);
        return routes;
    }

    public static async Task<Created<ModelResponse>> CreateModel(CreateModelRequest request, ForgeDbContext db, TimeProvider time, CancellationToken ct)
    {
        var rules = new FieldRules()
            .Required("name", request.Name, 1, 200)
            .Check(request.Name is null || !string.IsNullOrWhiteSpace(request.Name), "name", "Must not be blank")
            .Required("base_model", request.BaseModel, 1, BaseModelName.MaxLength)
            // It reaches providers' APIs and the local provider's command line: only an id's characters.
            .Check(request.BaseModel is null || BaseModelName.IsValid(request.BaseModel), "base_model", BaseModelName.Rule)
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

    /// <summary>
    /// Beyond the seed, which lists <c>archived</c> but no way to reach it: archive (not while training) or restore
    /// (to <c>deployed</c> when a job trained it, else <c>registered</c>), rename, and change version, capabilities and
    /// config (merged key by key).
    /// </summary>
    public static async Task<Ok<ModelResponse>> UpdateModel(Guid model_id, UpdateModelRequest request, ForgeDbContext db, TimeProvider time, CancellationToken ct)
    {
        new FieldRules()
            .Check(request.BaseModel is null || BaseModelName.IsValid(request.BaseModel), "base_model", BaseModelName.Rule)
            .Length("name", request.Name, 1, 200)
            .Check(request.Name is null || !string.IsNullOrWhiteSpace(request.Name), "name", "Must not be blank")
            .Length("version", request.Version, 0, 100)
            .Check(request.Status is null or ModelStatus.Archived or ModelStatus.Registered or ModelStatus.Deployed, "status",
                $"Must be {ModelStatus.Archived} to archive, or {ModelStatus.Registered} to restore an archived model; training and deployment follow its jobs")
            .ThrowIfAny();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The lifecycle moves a model under this row lock too, so an archive cannot interleave with a job ending.
        await TrainingLifecycle.LockModelAsync(db, model_id, ct);
        var model = await db.Models.FirstOrDefaultAsync(m => m.Id == model_id, ct) ?? throw new NotFoundException("Model", model_id);
        if (request.BaseModel is not null && request.BaseModel != model.BaseModel)
        {
            // Its jobs and fine-tuned model were made from the registered one; another base is another model.
            throw new ValidationException("base_model", "Cannot be changed once registered; register a new model for another base model");
        }
        if (request.Name is not null && request.Name != model.Name && await db.Models.AnyAsync(m => m.Name == request.Name, ct))
        {
            throw new ValidationException("name", $"A model named '{request.Name}' already exists");
        }
        if (request.Status == ModelStatus.Archived && model.Status != ModelStatus.Archived)
        {
            if (model.Status == ModelStatus.Training || await db.TrainingJobs.AnyAsync(j => j.ModelId == model.Id
                    && (j.Status == TrainingJobStatus.Pending || j.Status == TrainingJobStatus.Running), ct))
            {
                throw new ConflictException("Model has training jobs that have not ended; cancel or wait for them before archiving it");
            }
            model.Status = ModelStatus.Archived;
        }
        else if (request.Status is not null && request.Status != ModelStatus.Archived && model.Status == ModelStatus.Archived)
        {
            model.Status = model.Config["fine_tuned_model"] is not null ? ModelStatus.Deployed : ModelStatus.Registered;
        }
        model.Name = request.Name ?? model.Name;
        model.Version = request.Version ?? model.Version;
        if (request.Config is not null)
        {
            // Merged, so the trained model's id Forge keeps in config survives an edit that does not mention it.
            model.Config = TrainingLifecycle.Merge(model.Config, request.Config);
        }
        model.Capabilities = request.Capabilities ?? model.Capabilities;
        model.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(model.ToResponse());
    }

    private static async Task<bool> NameTakenAsync(ForgeDbContext db, string name, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        return await db.Models.AnyAsync(m => m.Name == name, ct);
    }
}
