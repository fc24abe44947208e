using System.Text.Json.Nodes;
using Forge.Functions.Hosting;
using Forge.Shared.Data;
using Forge.Shared.Durable;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forge.Functions.Datasets;

/// <summary>One generation: the dataset, its number (the instance id's n), its id, and what was asked for.</summary>
/// <param name="BatchesInFlight">The fan-out's window: batches scheduled at once.</param>
/// <param name="Remaining">Null on the first execution (plan first); the keys still to make after a ContinueAsNew.</param>
public sealed record GenerationRun(
    Guid DatasetId, int Number, Guid RunId, List<Guid>? SegmentIds, int MaxItems, int BatchSize, int BatchesInFlight,
    List<GenerationKey>? Remaining = null, int Planned = 0);

public sealed record GenerationKey(Guid SegmentId, int Variant);

public sealed record GenerationBatchInput(Guid DatasetId, int Number, Guid RunId, List<GenerationKey> Keys);

/// <summary>What a batch did; <see cref="Stopped"/> when it found the generation cancelled or no longer current.</summary>
public sealed record GenerationBatchResult(int Made, bool Stopped);

/// <summary>The keys to make, or <see cref="Stopped"/> when the generation was cancelled (or superseded) before it planned.</summary>
public sealed record GenerationPlan(List<GenerationKey> Keys, bool Stopped);

/// <summary>How a generation that did not reach <c>ready</c> ends: its reason, kept on the dataset.</summary>
public sealed record GenerationEnd(Guid DatasetId, int Number, string Error);

/// <summary>
/// The SyntheticGeneration lifecycle's endpoints and names: <c>POST /datasets/generate</c> records the start on the
/// dataset (<c>generating</c>, the next generation number) and then schedules the orchestration
/// <c>datasets-generate-{datasetId}-{n}</c> (see <see cref="SyntheticGenerationOrchestrator"/>).
/// </summary>
public static class SyntheticGeneration
{
    public const string Orchestrator = "datasets.generation";
    public const string Plan = "datasets.generation.plan";
    public const string Batch = "datasets.generation.batch";
    public const string Finish = "datasets.generation.finish";
    public const string End = "datasets.generation.end";
    public const string CancelEvent = "cancel";

    public const int MaxItemsLimit = 10_000;
    public const int DefaultBatchSize = 10;

    public static string InstanceId(Guid datasetId, int number) => $"datasets-generate-{datasetId}-{number}";

    /// <summary>
    /// Model calls the fan-out keeps scheduled per allowed call: eight times the limit, so the throttle stays full while
    /// finished batches travel back through the task hub and the next ones travel out.
    /// </summary>
    public const int ItemsInFlightPerCall = 8;

    public static int BatchesInFlight(int maxConcurrency, int batchSize) =>
        Math.Max(1, (maxConcurrency * ItemsInFlightPerCall + batchSize - 1) / batchSize);

    public static async Task<Accepted<GenerateResponse>> Generate(GenerateRequest request, ForgeDbContext db, DurableTaskClient client,
        IOptions<GenerationOptions> options, TimeProvider time, CancellationToken ct)
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
        var batchSize = request.BatchSize ?? DefaultBatchSize;
        var asked = new GenerationRequestRecord(segmentIds, request.MaxItems ?? options.Value.DefaultMaxItems, batchSize,
            BatchesInFlight(options.Value.MaxConcurrency, batchSize));
        var runId = Guid.CreateVersion7();
        var recorded = asked.ToJson();
        int number;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // The conditional update is the guard: of two concurrent requests only one finds the dataset idle.
            var claimed = await db.Datasets
                .Where(d => d.Id == dataset.Id && d.Status != DatasetStatus.Generating && d.Status != DatasetStatus.Archived)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(d => d.Status, DatasetStatus.Generating)
                    .SetProperty(d => d.GenerationNumber, d => d.GenerationNumber + 1)
                    .SetProperty(d => d.GenerationRunId, runId)
                    .SetProperty(d => d.GenerationRequest, recorded)
                    .SetProperty(d => d.GenerationCancelRequestedAt, (DateTime?)null)
                    .SetProperty(d => d.GenerationPlanned, 0)
                    .SetProperty(d => d.GenerationError, (string?)null)
                    .SetProperty(d => d.GenerationStartedAt, now)
                    .SetProperty(d => d.GenerationCompletedAt, (DateTime?)null)
                    .SetProperty(d => d.UpdatedAt, now), ct);
            if (claimed == 0)
            {
                throw new ConflictException("Dataset is already generating");
            }
            number = await db.Datasets.Where(d => d.Id == dataset.Id).Select(d => d.GenerationNumber).FirstAsync(ct);
            await tx.CommitAsync(ct);
        }
        // After the commit: if this process dies first, the reconciler schedules the same instance id from the row.
        await client.StartOnceAsync(Orchestrator, InstanceId(dataset.Id, number), asked.ToRun(dataset.Id, number, runId), ct);
        return TypedResults.Accepted($"/api/v1/datasets/{dataset.Id}", new GenerateResponse(DatasetStatus.Generating, 0));
    }

    /// <summary>
    /// Beyond the seed: stops a generation. Items already made stay; the dataset leaves <c>generating</c> once the
    /// batches in flight have stopped, with <c>generation_error</c> saying it was cancelled.
    /// </summary>
    public static async Task<Accepted<DatasetResponse>> CancelGeneration(Guid dataset_id, ForgeDbContext db, DurableTaskClient client,
        TimeProvider time, CancellationToken ct)
    {
        if (!await db.Datasets.AnyAsync(d => d.Id == dataset_id, ct))
        {
            throw new NotFoundException("Dataset", dataset_id);
        }
        var now = time.GetUtcNow().UtcDateTime;
        // The flag first: batches running now see it, and so does a generation whose start has not been scheduled yet.
        var flagged = await db.Datasets.Where(d => d.Id == dataset_id && d.Status == DatasetStatus.Generating)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.GenerationCancelRequestedAt, now), ct);
        if (flagged == 0)
        {
            throw new ConflictException("Dataset is not generating");
        }
        var dataset = await db.Datasets.AsNoTracking().FirstAsync(d => d.Id == dataset_id, ct);
        await client.RaiseEventAsync(InstanceId(dataset.Id, dataset.GenerationNumber), CancelEvent, now, ct);
        var figures = await DatasetFiguresQuery.LoadAsync(db, [dataset], ct);
        return TypedResults.Accepted($"/api/v1/datasets/{dataset.Id}", dataset.ToResponse(figures[dataset.Id]));
    }
}

/// <summary>A generation's request as the dataset row keeps it (<c>generation_request</c>).</summary>
public sealed record GenerationRequestRecord(List<Guid>? SegmentIds, int MaxItems, int BatchSize, int BatchesInFlight)
{
    public GenerationRun ToRun(Guid datasetId, int number, Guid runId) => new(datasetId, number, runId, SegmentIds, MaxItems, BatchSize, BatchesInFlight);

    public JsonObject ToJson() => new()
    {
        ["segment_ids"] = SegmentIds is null ? null : new JsonArray([.. SegmentIds.Select(id => JsonValue.Create(id.ToString()))]),
        ["max_items"] = MaxItems,
        ["batch_size"] = BatchSize,
        ["batches_in_flight"] = BatchesInFlight,
    };

    /// <summary>Rows from before the request was kept read as the defaults.</summary>
    public static GenerationRequestRecord FromJson(JsonObject? json, GenerationOptions options)
    {
        var batchSize = json?["batch_size"]?.GetValue<int>() ?? SyntheticGeneration.DefaultBatchSize;
        return new GenerationRequestRecord(
            json?["segment_ids"] is JsonArray ids ? [.. ids.Select(id => Guid.Parse(id!.GetValue<string>()))] : null,
            json?["max_items"]?.GetValue<int>() ?? options.DefaultMaxItems,
            batchSize,
            json?["batches_in_flight"]?.GetValue<int>() ?? SyntheticGeneration.BatchesInFlight(options.MaxConcurrency, batchSize));
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
