using System.Text.Json.Nodes;
using Forge.Functions.Exports;
using Forge.Shared.Data;
using Forge.Shared.Engine;
using Forge.Shared.Quality;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.Datasets;

/// <summary>
/// Marks near-duplicates across the whole dataset (the earliest item of a group is the original, the others get
/// <c>duplicate_of</c> and a lower score) and sets the dataset <c>ready</c>.
/// </summary>
public sealed class FinishGenerationActivity(ForgeDbContext db, DurableEngine engine, TimeProvider time) : IActivity
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
        var datasetId = dataset.Id;
        // Applied in the completing transaction under the dataset's lock, re-reading the items there, so a reviewer's
        // edit made meanwhile is neither overwritten nor overwrites the marks; and the automatic export sees every review.
        context.OnCommit(async (commitDb, ct) =>
        {
            await DatasetLock.AcquireAsync(commitDb, datasetId, ct);
            foreach (var chunk in changed.Keys.Chunk(500))
            {
                var items = await commitDb.DatasetItems.Where(i => chunk.Contains(i.Id)).ToListAsync(ct);
                foreach (var item in items)
                {
                    var original = changed[item.Id];
                    var flags = item.QualityFlags.DeepClone().AsObject();
                    flags["duplicate_of"] = original is null ? null : JsonValue.Create(original.Value.ToString());
                    item.QualityFlags = flags;
                    item.QualityScore = ItemQuality.ScoreOf(flags);
                    item.UpdatedAt = now;
                }
            }
            await ExportIfAllReviewedAsync(commitDb, engine, datasetId, ct);
        });

        dataset.Status = DatasetStatus.Ready;
        dataset.GenerationCompletedAt = now;
        dataset.UpdatedAt = now;
        context.ReportProgress(dataset.GenerationPlanned, dataset.GenerationPlanned, "ready");
    }

    /// <summary>
    /// Reviewers may finish the last pending item while the generation still runs, when no review can start the
    /// automatic export (more items may come); so the end of the generation does, if nothing is pending and an item
    /// was reviewed since the last automatic export.
    /// </summary>
    private async Task ExportIfAllReviewedAsync(ForgeDbContext commitDb, DurableEngine engine, Guid datasetId, CancellationToken ct)
    {
        var current = await commitDb.Datasets.AsNoTracking().FirstAsync(d => d.Id == datasetId, ct);
        if (current.AutoExport is not { } auto || await commitDb.DatasetItems.AnyAsync(i => i.DatasetId == datasetId && i.ReviewStatus == ReviewStatus.Pending, ct))
        {
            return;
        }
        var lastAuto = await commitDb.DatasetExports.Where(e => e.DatasetId == datasetId && e.Trigger == ExportTrigger.Auto)
            .OrderByDescending(e => e.CreatedAt).Select(e => (DateTime?)e.CreatedAt).FirstOrDefaultAsync(ct);
        var reviewed = commitDb.DatasetItems.Where(i => i.DatasetId == datasetId && i.ReviewedAt != null);
        if (lastAuto is { } since)
        {
            reviewed = reviewed.Where(i => i.ReviewedAt > since);
        }
        if (await reviewed.AnyAsync(ct))
        {
            await DatasetExporting.StartAsync(commitDb, engine, current, ExportSettings.FromJson(auto), ExportTrigger.Auto, time, ct);
        }
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
