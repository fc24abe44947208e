using Forge.Shared.Ai;
using Forge.Shared.Data;
using Forge.Shared.Durable;
using Forge.Shared.Quality;
using Microsoft.DurableTask;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forge.Functions.Datasets;

/// <summary>
/// Makes the items of one batch, their model calls in parallel under the process-wide <see cref="GenerationThrottle"/>.
/// Items are saved as soon as the batch's calls have settled, even when some calls must be retried: the retry
/// (after the provider's Retry-After) finds them by key and asks only for the rest, so work is neither lost nor
/// made twice — also when a worker dies mid-batch and another runs it again. A cancel seen on the dataset stops
/// the calls not yet answered; what was made is saved.
/// </summary>
public sealed class GenerateBatchActivity(
    ForgeDbContext db, IServiceScopeFactory scopes, ItemGenerators generators, GenerationThrottle throttle,
    IOptions<GenerationOptions> options, TimeProvider time) : TaskActivity<GenerationBatchInput, GenerationBatchResult>
{
    private static readonly TimeSpan CancelPollInterval = TimeSpan.FromMilliseconds(500);

    public override async Task<GenerationBatchResult> RunAsync(TaskActivityContext context, GenerationBatchInput input)
    {
        var dataset = await db.Datasets.AsNoTracking().FirstOrDefaultAsync(d => d.Id == input.DatasetId);
        if (dataset is null || !GenerationGuard.IsCurrent(dataset, input.Number) || dataset.GenerationCancelRequestedAt is not null)
        {
            return new GenerationBatchResult(0, Stopped: true);
        }
        var segmentIds = input.Keys.Select(k => k.SegmentId).Distinct().ToList();
        var done = (await db.DatasetItems.Where(i => i.DatasetId == dataset.Id && segmentIds.Contains(i.SegmentId)).Select(i => new { i.SegmentId, i.Variant }).ToListAsync())
            .Concat(await db.DatasetItemSkips.Where(s => s.DatasetId == dataset.Id && segmentIds.Contains(s.SegmentId)).Select(s => new { s.SegmentId, s.Variant }).ToListAsync())
            .Select(k => new GenerationKey(k.SegmentId, k.Variant)).ToHashSet();
        var todo = input.Keys.Where(k => !done.Contains(k)).ToList();
        if (todo.Count == 0)
        {
            return new GenerationBatchResult(0, Stopped: false);
        }

        var segments = await db.Segments.AsNoTracking().Where(s => segmentIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id);
        var template = dataset.TemplateId is { } templateId ? await db.Templates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == templateId) : null;
        var settings = DatasetRules.ReadGenerationConfig(dataset.GenerationConfig).Settings;
        var generator = generators.For(dataset.Provider);

        using var cancelled = new CancellationTokenSource();
        using var watching = new CancellationTokenSource();
        var watch = WatchForCancelAsync(dataset.Id, cancelled, watching.Token);
        Outcome[] outcomes;
        try
        {
            outcomes = await Task.WhenAll(todo.Select(key => segments.TryGetValue(key.SegmentId, out var segment)
                ? MakeAsync(generator, dataset, template, segment, key, settings, input.RunId, cancelled.Token)
                : Task.FromResult(Outcome.Skipped(NewSkip(dataset.Id, key, input.RunId, "segment_missing", "The segment no longer exists", default)))));
        }
        finally
        {
            await watching.CancelAsync();
            await watch;
        }

        // Items already paid for are kept, the batch being cancelled or not.
        await SaveAsync(outcomes);
        var made = outcomes.Count(o => o.Item is not null);
        if (cancelled.IsCancellationRequested)
        {
            return new GenerationBatchResult(made, Stopped: true);
        }
        if (outcomes.FirstOrDefault(o => o.Failure is PermanentActivityException) is { Failure: { } permanent })
        {
            throw new PermanentActivityException(permanent.Message, permanent);
        }
        var retryable = outcomes.Where(o => o.Failure is not null).ToList();
        if (retryable.Count > 0)
        {
            var wait = retryable.Select(o => (o.Failure as RetryableActivityException)?.RetryAfter).Max();
            throw new RetryableActivityException($"{retryable.Count} of {todo.Count} items must be retried: {retryable[0].Failure!.Message}", wait, retryable[0].Failure);
        }
        return new GenerationBatchResult(made, Stopped: false);
    }

    /// <summary>Polls the dataset's cancel flag (its own DbContext: the batch's is busy) until the batch's calls have settled.</summary>
    private async Task WatchForCancelAsync(Guid datasetId, CancellationTokenSource cancelled, CancellationToken stop)
    {
        await using var scope = scopes.CreateAsyncScope();
        var watcher = scope.ServiceProvider.GetRequiredService<ForgeDbContext>();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(CancelPollInterval, time, stop);
                if (await watcher.Datasets.AnyAsync(d => d.Id == datasetId && d.GenerationCancelRequestedAt != null, stop))
                {
                    await cancelled.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The batch's calls settled first.
        }
    }

    private async Task<Outcome> MakeAsync(IItemGenerator generator, Dataset dataset, GenerationTemplate? template, Segment segment,
        GenerationKey key, GenerationSettings settings, Guid runId, CancellationToken cancellationToken)
    {
        var prompt = new GenerationPrompt(
            template?.SystemPrompt,
            PromptTemplate.Render(template?.UserPromptTemplate ?? PromptTemplate.DefaultUserPrompt, segment.Content, segment.Metadata),
            segment.Content, segment.SegmentType, segment.Metadata, key.Variant, settings);
        var wasted = default(TokenUsage);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                GenerationResult result;
                using (await throttle.EnterAsync(cancellationToken))
                {
                    result = await generator.GenerateAsync(prompt, cancellationToken);
                }
                return Outcome.Made(NewItem(dataset, template, segment, key, runId, result, wasted));
            }
            catch (MalformedOutputException ex) when (attempt < options.Value.MalformedRetries)
            {
                wasted = Add(wasted, ex.Usage);
            }
            catch (GenerationSkippedException ex)
            {
                return Outcome.Skipped(NewSkip(dataset.Id, key, runId, ex.Reason, ex.Message, Add(wasted, ex.Usage)));
            }
            catch (Exception ex)
            {
                // Every other failure (a cancellation too) is held until the batch has saved what its other calls made.
                return Outcome.Failed(ex);
            }
        }
    }

    private DatasetItem NewItem(Dataset dataset, GenerationTemplate? template, Segment segment, GenerationKey key, Guid runId, GenerationResult result, TokenUsage wasted)
    {
        var item = result.Item;
        var quality = ItemQuality.Assess(new QualityInput(item.Instruction, item.InputText, item.IdealResponse, item.BadResponse, item.Explanation, segment.Content));
        var now = time.GetUtcNow().UtcDateTime;
        return new DatasetItem
        {
            Id = Guid.CreateVersion7(),
            DatasetId = dataset.Id,
            SegmentId = segment.Id,
            DocumentId = segment.DocumentId,
            Variant = key.Variant,
            GenerationRunId = runId,
            TemplateId = template?.Id,
            Instruction = item.Instruction,
            InputText = item.InputText,
            IdealResponse = item.IdealResponse,
            BadResponse = item.BadResponse,
            Explanation = item.Explanation,
            QualityScore = quality.Score,
            QualityFlags = quality.Flags,
            Generator = result.Generator.Length > 50 ? result.Generator[..50] : result.Generator,
            Model = result.Model is { Length: > 200 } model ? model[..200] : result.Model,
            PromptTokens = result.Usage.PromptTokens + wasted.PromptTokens,
            CompletionTokens = result.Usage.CompletionTokens + wasted.CompletionTokens,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    private DatasetItemSkip NewSkip(Guid datasetId, GenerationKey key, Guid runId, string reason, string detail, TokenUsage usage) => new()
    {
        Id = Guid.CreateVersion7(),
        DatasetId = datasetId,
        SegmentId = key.SegmentId,
        Variant = key.Variant,
        GenerationRunId = runId,
        Reason = reason,
        Detail = detail.Length > 2000 ? detail[..2000] : detail,
        PromptTokens = usage.PromptTokens,
        CompletionTokens = usage.CompletionTokens,
        CreatedAt = time.GetUtcNow().UtcDateTime,
    };

    /// <summary>
    /// Saves what this attempt made, in a DbContext of its own so one duplicate can be dropped and the rest saved. A
    /// key another attempt saved meanwhile (a worker thought dead ran it too) is left to that one.
    /// </summary>
    private async Task SaveAsync(IReadOnlyList<Outcome> outcomes)
    {
        var items = outcomes.Where(o => o.Item is not null).Select(o => o.Item!).ToList();
        var skips = outcomes.Where(o => o.Skip is not null).Select(o => o.Skip!).ToList();
        if (items.Count + skips.Count == 0)
        {
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        var writer = scope.ServiceProvider.GetRequiredService<ForgeDbContext>();
        writer.DatasetItems.AddRange(items);
        writer.DatasetItemSkips.AddRange(skips);
        try
        {
            await writer.SaveChangesAsync();
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            writer.ChangeTracker.Clear();
            foreach (var entity in items.Cast<object>().Concat(skips))
            {
                writer.Add(entity);
                try
                {
                    await writer.SaveChangesAsync();
                }
                catch (DbUpdateException duplicate) when (DbErrors.IsUniqueViolation(duplicate))
                {
                    // The unique key (dataset, segment, variant) says another attempt saved this one first.
                }
                writer.ChangeTracker.Clear();
            }
        }
        catch (DbUpdateException e)
        {
            // Anything else (a dropped connection, a busy database) must not pass for success: the batch runs again.
            throw new RetryableActivityException($"Saving {items.Count} items and {skips.Count} skips failed: {e.InnerException?.Message ?? e.Message}", null, e);
        }
    }

    private static TokenUsage Add(TokenUsage a, TokenUsage b) => new(a.PromptTokens + b.PromptTokens, a.CompletionTokens + b.CompletionTokens);

    private sealed record Outcome(DatasetItem? Item, DatasetItemSkip? Skip, Exception? Failure)
    {
        public static Outcome Made(DatasetItem item) => new(item, null, null);
        public static Outcome Skipped(DatasetItemSkip skip) => new(null, skip, null);
        public static Outcome Failed(Exception failure) => new(null, null, failure);
    }
}
