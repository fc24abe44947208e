using System.Text.Json.Nodes;
using Forge.Shared.Data;
using Forge.Shared.Engine;
using Forge.Shared.Quality;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.Datasets;

/// <summary>
/// Marks near-duplicates across the whole dataset (the earliest item of a group is the original, the others get
/// <c>duplicate_of</c> and a lower score) and sets the dataset <c>ready</c>.
/// </summary>
public sealed class FinishGenerationActivity(ForgeDbContext db, TimeProvider time) : IActivity
{
    public async Task ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var input = context.GetInput<GenerationInput>();
        var dataset = await db.Datasets.FirstOrDefaultAsync(d => d.Id == input.DatasetId, cancellationToken);
        if (dataset is null)
        {
            return;
        }

        var index = new NearDuplicateIndex();
        var changed = new Dictionary<Guid, Guid?>();
        var rows = db.DatasetItems.AsNoTracking().Where(i => i.DatasetId == dataset.Id)
            .OrderBy(i => i.CreatedAt).ThenBy(i => i.Id)
            .Select(i => new { i.Id, i.Instruction, i.IdealResponse, i.QualityFlags })
            .AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            var original = index.FindOrAdd(row.Id, DuplicateText(row.Instruction, row.IdealResponse));
            var recorded = row.QualityFlags["duplicate_of"]?.GetValue<string>() is { } text && Guid.TryParse(text, out var id) ? id : (Guid?)null;
            if (original != recorded)
            {
                changed[row.Id] = original;
            }
        }

        var now = time.GetUtcNow().UtcDateTime;
        foreach (var chunk in changed.Keys.Chunk(500))
        {
            var items = await db.DatasetItems.Where(i => chunk.Contains(i.Id)).ToListAsync(cancellationToken);
            foreach (var item in items)
            {
                var original = changed[item.Id];
                // A fresh object, so the change tracker sees the JSON column change.
                var flags = item.QualityFlags.DeepClone().AsObject();
                flags["duplicate_of"] = original is null ? null : JsonValue.Create(original.Value.ToString());
                item.QualityFlags = flags;
                item.QualityScore = ItemQuality.ScoreOf(flags);
                item.UpdatedAt = now;
            }
        }

        dataset.Status = DatasetStatus.Ready;
        dataset.GenerationCompletedAt = now;
        dataset.UpdatedAt = now;
        context.ReportProgress(dataset.GenerationPlanned, dataset.GenerationPlanned, "ready");
    }

    /// <summary>Two items are the same training example when they ask and answer the same, whatever their input.</summary>
    public static string DuplicateText(string instruction, string idealResponse) => instruction + "\n" + idealResponse;
}

/// <summary>A generation that failed or was cancelled keeps its reason on the dataset, which is usable with what it has.</summary>
public sealed class SyntheticGenerationObserver(TimeProvider time) : IRunObserver
{
    public string RunType => SyntheticGeneration.RunType;

    public async Task OnRunEndedAsync(ForgeDbContext db, EngineRun run, CancellationToken cancellationToken)
    {
        if (run.Status == RunStatus.Completed)
        {
            return;
        }
        var dataset = await db.Datasets.FirstOrDefaultAsync(d => d.GenerationRunId == run.Id, cancellationToken);
        if (dataset is null || dataset.Status != DatasetStatus.Generating)
        {
            return;
        }
        var now = time.GetUtcNow().UtcDateTime;
        dataset.Status = await db.DatasetItems.AnyAsync(i => i.DatasetId == dataset.Id, cancellationToken) ? DatasetStatus.Ready : DatasetStatus.Draft;
        dataset.GenerationError = run.Status == RunStatus.Cancelled ? "Generation was cancelled" : $"Generation failed: {run.Error ?? "unknown error"}";
        dataset.GenerationCompletedAt = now;
        dataset.UpdatedAt = now;
    }
}
