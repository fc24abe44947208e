using Forge.Shared.Durable;
using Forge.Functions.Hosting;
using Forge.Shared.Ai;
using Forge.Shared.Data;
using Forge.Shared.Engine;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forge.Functions.Datasets;

public sealed record GenerationInput(Guid DatasetId, List<Guid>? SegmentIds, int MaxItems, int BatchSize);

public sealed record GenerationKey(Guid SegmentId, int Variant);

public sealed record GenerationBatchInput(Guid DatasetId, List<GenerationKey> Keys);

/// <summary>
/// The SyntheticGeneration orchestration: <c>POST /datasets/generate</c> marks the dataset <c>generating</c> and
/// starts the run; <c>plan</c> picks the segments and fans out one <c>batch</c> per <c>batch_size</c> items;
/// <c>finish</c> marks near-duplicates and sets <c>ready</c>. A failed or cancelled run keeps its error on the dataset.
/// </summary>
public static class SyntheticGeneration
{
    public const string RunType = "datasets.generation";
    public const string Plan = "datasets.generation.plan";
    public const string Batch = "datasets.generation.batch";
    public const string Finish = "datasets.generation.finish";

    public const int MaxItemsLimit = 10_000;
    public const int DefaultBatchSize = 10;

    public static async Task<Accepted<GenerateResponse>> Generate(GenerateRequest request, ForgeDbContext db, DurableEngine engine,
        EngineSignal signal, IOptions<GenerationOptions> options, TimeProvider time, CancellationToken ct)
    {
        new FieldRules()
            .Check(request.DatasetId is not null, "dataset_id", "Field required")
            .Check(request.MaxItems is null or (>= 1 and <= MaxItemsLimit), "max_items", $"Must be between 1 and {MaxItemsLimit}")
            .Check(request.BatchSize is null or (>= 1 and <= 100), "batch_size", "Must be between 1 and 100")
            .Check(request.SegmentIds is null || request.SegmentIds.Count > 0, "segment_ids", "Must not be empty; omit it to use the dataset's segment_filter")
            .ThrowIfAny();
        var dataset = await db.Datasets.AsNoTracking().FirstOrDefaultAsync(d => d.Id == request.DatasetId, ct)
            ?? throw new NotFoundException("Dataset", request.DatasetId!);
        if (dataset.Status == DatasetStatus.Archived)
        {
            throw new ConflictException("Dataset is archived");
        }

        var segmentIds = request.SegmentIds?.Distinct().ToList();
        if (segmentIds is not null)
        {
            var found = await db.Segments.Where(s => s.DomainId == dataset.DomainId && segmentIds.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct);
            var unknown = segmentIds.Except(found).ToList();
            if (unknown.Count > 0)
            {
                throw new ValidationException("segment_ids", $"Unknown segments in the dataset's domain: {string.Join(", ", unknown.Take(20))}");
            }
        }
        else if (!await SegmentSelection.Query(db, dataset, null).AnyAsync(ct))
        {
            throw new ValidationException("segment_filter", "No segment of the dataset's domain matches its segment_filter; process a document first or change the filter");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var input = new GenerationInput(dataset.Id, segmentIds, request.MaxItems ?? options.Value.DefaultMaxItems, request.BatchSize ?? DefaultBatchSize);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var run = engine.Start(RunType, $"dataset:{dataset.Id}", Plan, input);
            // The conditional update is the guard: of two concurrent requests only one finds the dataset idle.
            var claimed = await db.Datasets
                .Where(d => d.Id == dataset.Id && d.Status != DatasetStatus.Generating && d.Status != DatasetStatus.Archived)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(d => d.Status, DatasetStatus.Generating)
                    .SetProperty(d => d.GenerationRunId, run.Id)
                    .SetProperty(d => d.GenerationPlanned, 0)
                    .SetProperty(d => d.GenerationError, (string?)null)
                    .SetProperty(d => d.GenerationStartedAt, now)
                    .SetProperty(d => d.GenerationCompletedAt, (DateTime?)null)
                    .SetProperty(d => d.UpdatedAt, now), ct);
            if (claimed == 0)
            {
                throw new ConflictException("Dataset is already generating");
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        signal.Pulse();
        return TypedResults.Accepted($"/api/v1/datasets/{dataset.Id}", new GenerateResponse(DatasetStatus.Generating, 0));
    }

    /// <summary>
    /// Beyond the seed: stops a generation. Items already made stay; the dataset leaves <c>generating</c> once the
    /// batches in flight have stopped, with <c>generation_error</c> saying it was cancelled.
    /// </summary>
    public static async Task<Accepted<DatasetResponse>> CancelGeneration(Guid dataset_id, ForgeDbContext db, DurableEngine engine, CancellationToken ct)
    {
        var dataset = await db.Datasets.AsNoTracking().FirstOrDefaultAsync(d => d.Id == dataset_id, ct) ?? throw new NotFoundException("Dataset", dataset_id);
        if (dataset.Status != DatasetStatus.Generating || dataset.GenerationRunId is not { } runId || !await engine.CancelAsync(runId, ct))
        {
            throw new ConflictException("Dataset is not generating");
        }
        dataset = await db.Datasets.AsNoTracking().FirstAsync(d => d.Id == dataset_id, ct);
        var figures = await DatasetFiguresQuery.LoadAsync(db, [dataset], ct);
        return TypedResults.Accepted($"/api/v1/datasets/{dataset.Id}", dataset.ToResponse(figures[dataset.Id]));
    }
}

/// <summary>Which segments a dataset generates from: the ids asked for, else its <c>segment_filter</c>, always within its domain.</summary>
public static class SegmentSelection
{
    public static IQueryable<Segment> Query(ForgeDbContext db, Dataset dataset, IReadOnlyCollection<Guid>? segmentIds)
    {
        var query = db.Segments.AsNoTracking().Where(s => s.DomainId == dataset.DomainId);
        if (segmentIds is not null)
        {
            return query.Where(s => segmentIds.Contains(s.Id));
        }
        if (DatasetRules.FilterText(dataset.SegmentFilter, "segment_type") is { } type)
        {
            query = query.Where(s => s.SegmentType == type);
        }
        if (DatasetRules.FilterText(dataset.SegmentFilter, "document_id") is { } document && Guid.TryParse(document, out var documentId))
        {
            query = query.Where(s => s.DocumentId == documentId);
        }
        if (DatasetRules.FilterText(dataset.SegmentFilter, "use_case") is { } useCase)
        {
            query = query.Where(s => s.UseCase == useCase);
        }
        return query;
    }
}

/// <summary>
/// Picks the (segment, variant) keys up to <c>max_items</c>, leaves out those that already have an item, clears
/// earlier skips of the rest so they are tried again, and fans out the batches.
/// </summary>
public sealed class PlanGenerationActivity(ForgeDbContext db, ItemGenerators generators) : IActivity
{
    public async Task ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var input = context.GetInput<GenerationInput>();
        var dataset = await db.Datasets.FirstOrDefaultAsync(d => d.Id == input.DatasetId, cancellationToken)
            ?? throw new PermanentActivityException($"Dataset {input.DatasetId} no longer exists");
        var perSegment = DatasetRules.ReadGenerationConfig(dataset.GenerationConfig).ItemsPerSegment;
        var segmentLimit = (input.MaxItems + perSegment - 1) / perSegment;
        var segments = await SegmentSelection.Query(db, dataset, input.SegmentIds)
            .OrderBy(s => s.CreatedAt).ThenBy(s => s.DocumentId).ThenBy(s => s.Position)
            .Select(s => s.Id).Take(segmentLimit).ToListAsync(cancellationToken);
        var keys = segments.SelectMany(id => Enumerable.Range(0, perSegment).Select(v => new GenerationKey(id, v))).Take(input.MaxItems).ToList();

        var existing = (await db.DatasetItems.Where(i => i.DatasetId == dataset.Id)
            .Select(i => new { i.SegmentId, i.Variant }).ToListAsync(cancellationToken))
            .Select(i => new GenerationKey(i.SegmentId, i.Variant)).ToHashSet();
        var todo = keys.Where(k => !existing.Contains(k)).ToList();
        var retried = todo.Select(k => k.SegmentId).ToHashSet();
        var staleSkips = await db.DatasetItemSkips.Where(s => s.DatasetId == dataset.Id).ToListAsync(cancellationToken);
        db.DatasetItemSkips.RemoveRange(staleSkips.Where(s => retried.Contains(s.SegmentId)));

        var generator = generators.For(dataset.Provider);
        dataset.Generator = generator.Name;
        dataset.GeneratorNote = generators.Describe(dataset.Provider);
        dataset.GenerationPlanned = todo.Count;
        context.ReportProgress(0, todo.Count, "generating");
        context.FanOut(SyntheticGeneration.Batch, todo.Chunk(input.BatchSize).Select(chunk => new GenerationBatchInput(dataset.Id, [.. chunk])),
            SyntheticGeneration.Finish, input);
    }
}
