using Forge.Functions.Exports;
using Forge.Functions.Hosting;
using Forge.Shared.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.Datasets;

public static class DatasetsApi
{
    public static IEndpointRouteBuilder MapDatasetsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapSeed001Group("/api/v1/datasets").WithTags("Datasets");
        group.MapPost("/", CreateDataset);
        group.MapGet("/", ListDatasets);
        group.MapGet("/{dataset_id:guid}", GetDataset);
        group.MapPut("/{dataset_id:guid}", UpdateDataset);
        group.MapPost("/generate", SyntheticGeneration.Generate);
        group.MapPost("/{dataset_id:guid}/generate/cancel", SyntheticGeneration.CancelGeneration);
        return routes;
    }

    public static async Task<Created<DatasetResponse>> CreateDataset(CreateDatasetRequest request, ForgeDbContext db, TimeProvider time, CancellationToken ct)
    {
        var rules = new FieldRules()
            .Check(request.DomainId is not null, "domain_id", "Field required")
            .Length("use_case", request.UseCase, 0, 100)
            .Required("name", request.Name, 1, 200)
            .Check(request.Provider is not null, "provider", "Field required")
            .Check(request.Provider is null || DatasetRules.Providers.Contains(request.Provider), "provider",
                $"Unknown provider '{request.Provider}'; known: {string.Join(", ", DatasetRules.Providers)}")
            .Length("target_model_family", request.TargetModelFamily, 0, 100);
        DatasetRules.CheckGenerationConfig(request.GenerationConfig, rules);
        DatasetRules.CheckSegmentFilter(request.SegmentFilter, request.DomainId, rules);
        var autoExport = ExportSettings.ParseAutoExport(request.AutoExport, rules, "auto_export")
            ?? ExportSettings.ParseAutoExport(request.GenerationConfig?["auto_export"], new FieldRules(), "generation_config.auto_export");
        rules.ThrowIfAny();

        if (!await db.Domains.AnyAsync(d => d.Id == request.DomainId, ct))
        {
            throw new NotFoundException("Domain", request.DomainId!);
        }
        if (request.TemplateId is { } templateId)
        {
            var template = await db.Templates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == templateId, ct)
                ?? throw new NotFoundException("Template", templateId);
            if (template.DomainId != request.DomainId)
            {
                throw new ValidationException("template_id", "The template belongs to another domain");
            }
        }

        var now = time.GetUtcNow().UtcDateTime;
        var dataset = new Dataset
        {
            Id = Guid.CreateVersion7(),
            DomainId = request.DomainId!.Value,
            TemplateId = request.TemplateId,
            UseCase = request.UseCase,
            Name = request.Name!,
            Description = request.Description,
            Provider = request.Provider!,
            TargetModelFamily = request.TargetModelFamily,
            GenerationConfig = request.GenerationConfig ?? [],
            SegmentFilter = request.SegmentFilter ?? [],
            AutoExport = autoExport?.ToJson(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Datasets.Add(dataset);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/datasets/{dataset.Id}", dataset.ToResponse(DatasetFigures.None));
    }

    public static async Task<Ok<List<DatasetResponse>>> ListDatasets(ForgeDbContext db, CancellationToken ct, Guid? domain_id = null)
    {
        var query = db.Datasets.AsNoTracking();
        if (domain_id is not null)
        {
            query = query.Where(d => d.DomainId == domain_id);
        }
        var datasets = await query.OrderBy(d => d.CreatedAt).ThenBy(d => d.Id).ToListAsync(ct);
        var figures = await DatasetFiguresQuery.LoadAsync(db, datasets, ct);
        return TypedResults.Ok(datasets.Select(d => d.ToResponse(figures[d.Id])).ToList());
    }

    /// <summary>
    /// Beyond the seed, which lists <c>archived</c> but no way to reach it: archive (not while generating) or
    /// restore, rename, and change the generation settings of a dataset that is not generating.
    /// </summary>
    public static async Task<Ok<DatasetResponse>> UpdateDataset(Guid dataset_id, UpdateDatasetRequest request, ForgeDbContext db, TimeProvider time, CancellationToken ct)
    {
        var rules = new FieldRules()
            .Length("name", request.Name, 1, 200)
            .Check(request.Status is null or DatasetStatus.Archived or DatasetStatus.Ready or DatasetStatus.Draft, "status",
                $"Must be {DatasetStatus.Archived} to archive, or {DatasetStatus.Ready} to restore an archived dataset");
        DatasetRules.CheckGenerationConfig(request.GenerationConfig, rules);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Taken under the dataset's row lock, so a generation starting at the same time cannot be overwritten.
        await DatasetLock.AcquireAsync(db, dataset_id, ct);
        var dataset = await db.Datasets.FirstOrDefaultAsync(d => d.Id == dataset_id, ct) ?? throw new NotFoundException("Dataset", dataset_id);
        DatasetRules.CheckSegmentFilter(request.SegmentFilter, dataset.DomainId, rules);
        var autoExport = ExportSettings.ParseAutoExport(request.AutoExport, rules, "auto_export");
        rules.ThrowIfAny();
        if (dataset.Status == DatasetStatus.Generating)
        {
            throw new ConflictException("Dataset is generating; wait until it is ready to change it");
        }

        if (request.Status == DatasetStatus.Archived)
        {
            dataset.Status = DatasetStatus.Archived;
        }
        else if (request.Status is not null && dataset.Status == DatasetStatus.Archived)
        {
            dataset.Status = await db.DatasetItems.AnyAsync(i => i.DatasetId == dataset.Id, ct) ? DatasetStatus.Ready : DatasetStatus.Draft;
        }
        dataset.Name = request.Name ?? dataset.Name;
        dataset.Description = request.Description ?? dataset.Description;
        dataset.GenerationConfig = request.GenerationConfig ?? dataset.GenerationConfig;
        dataset.SegmentFilter = request.SegmentFilter ?? dataset.SegmentFilter;
        if (request.AutoExport is not null)
        {
            dataset.AutoExport = autoExport?.ToJson();
        }
        dataset.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        var figures = await DatasetFiguresQuery.LoadAsync(db, [dataset], ct);
        return TypedResults.Ok(dataset.ToResponse(figures[dataset.Id]));
    }

    public static async Task<Ok<DatasetResponse>> GetDataset(Guid dataset_id, ForgeDbContext db, CancellationToken ct)
    {
        var dataset = await db.Datasets.AsNoTracking().FirstOrDefaultAsync(d => d.Id == dataset_id, ct)
            ?? throw new NotFoundException("Dataset", dataset_id);
        var figures = await DatasetFiguresQuery.LoadAsync(db, [dataset], ct);
        return TypedResults.Ok(dataset.ToResponse(figures[dataset.Id]));
    }
}

/// <summary>Counts a dataset response shows, from the items themselves: a handful of grouped queries for any number of datasets.</summary>
public static class DatasetFiguresQuery
{
    public static async Task<Dictionary<Guid, DatasetFigures>> LoadAsync(ForgeDbContext db, IReadOnlyCollection<Dataset> datasets, CancellationToken ct)
    {
        var result = datasets.ToDictionary(d => d.Id, _ => DatasetFigures.None);
        if (datasets.Count == 0)
        {
            return result;
        }
        var ids = datasets.Select(d => d.Id).ToList();
        var runIds = datasets.Where(d => d.GenerationRunId is not null).Select(d => d.GenerationRunId!.Value).ToList();

        var byStatus = await db.DatasetItems.Where(i => ids.Contains(i.DatasetId))
            .GroupBy(i => new { i.DatasetId, i.ReviewStatus })
            .Select(g => new { g.Key.DatasetId, g.Key.ReviewStatus, Count = g.Count(), Prompt = g.Sum(i => (long)i.PromptTokens), Completion = g.Sum(i => (long)i.CompletionTokens) })
            .ToListAsync(ct);
        var skipTokens = await db.DatasetItemSkips.Where(s => ids.Contains(s.DatasetId))
            .GroupBy(s => s.DatasetId)
            .Select(g => new { DatasetId = g.Key, Prompt = g.Sum(s => (long)s.PromptTokens), Completion = g.Sum(s => (long)s.CompletionTokens) })
            .ToListAsync(ct);
        var created = runIds.Count == 0 ? [] : await db.DatasetItems.Where(i => i.GenerationRunId != null && runIds.Contains(i.GenerationRunId.Value))
            .GroupBy(i => i.GenerationRunId!.Value).Select(g => new { RunId = g.Key, Count = g.Count() }).ToListAsync(ct);
        var skips = runIds.Count == 0 ? [] : await db.DatasetItemSkips.Where(s => runIds.Contains(s.GenerationRunId))
            .GroupBy(s => new { s.GenerationRunId, s.Reason }).Select(g => new { g.Key.GenerationRunId, g.Key.Reason, Count = g.Count() }).ToListAsync(ct);

        foreach (var dataset in datasets)
        {
            var rows = byStatus.Where(r => r.DatasetId == dataset.Id).ToList();
            int Count(string status) => rows.Where(r => r.ReviewStatus == status).Sum(r => r.Count);
            var skipped = skipTokens.FirstOrDefault(s => s.DatasetId == dataset.Id);
            result[dataset.Id] = new DatasetFigures(
                rows.Sum(r => r.Count), Count(ReviewStatus.Approved), Count(ReviewStatus.Rejected), Count(ReviewStatus.Pending),
                created.FirstOrDefault(c => c.RunId == dataset.GenerationRunId)?.Count ?? 0,
                skips.Where(s => s.GenerationRunId == dataset.GenerationRunId).ToDictionary(s => s.Reason, s => s.Count),
                rows.Sum(r => r.Prompt) + (skipped?.Prompt ?? 0),
                rows.Sum(r => r.Completion) + (skipped?.Completion ?? 0));
        }
        return result;
    }
}
