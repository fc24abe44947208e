using System.Text.Json.Nodes;
using Forge.Functions.Exports;
using Forge.Shared.Data;
using Forge.Shared.Quality;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.Datasets;

/// <summary>
/// Marks near-duplicates across the whole dataset (the earliest item of a group is the original, the others get
/// <c>duplicate_of</c> and a lower score), sets the dataset <c>ready</c> and, by the one ReviewToExport rule, starts
/// the automatic export when every item was reviewed meanwhile. Running it again finds the generation already ended.
/// </summary>
public sealed class FinishGenerationActivity(ForgeDbContext db, DurableTaskClient client, TimeProvider time) : TaskActivity<GenerationRun, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, GenerationRun input)
    {
        var dataset = await db.Datasets.AsNoTracking().FirstOrDefaultAsync(d => d.Id == input.DatasetId);
        if (dataset is null || !GenerationGuard.IsCurrent(dataset, input.Number))
        {
            return false;
        }

        var index = new NearDuplicateIndex();
        var changed = new Dictionary<Guid, Guid?>();
        var rows = db.DatasetItems.AsNoTracking().Where(i => i.DatasetId == dataset.Id)
            .OrderBy(i => i.CreatedAt).ThenBy(i => i.Id)
            .Select(i => new { i.Id, i.Instruction, i.IdealResponse, i.QualityFlags })
            .AsAsyncEnumerable();
        await foreach (var row in rows)
        {
            var original = index.FindOrAdd(row.Id, DuplicateText(row.Instruction, row.IdealResponse));
            var recorded = row.QualityFlags["duplicate_of"]?.GetValue<string>() is { } text && Guid.TryParse(text, out var id) ? id : (Guid?)null;
            if (original != recorded)
            {
                changed[row.Id] = original;
            }
        }

        DatasetExport? export;
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            // Under the dataset's lock, re-reading the items, so a reviewer's edit made meanwhile is neither overwritten
            // nor overwrites the marks, and the automatic export sees every review.
            await DatasetLock.AcquireAsync(db, dataset.Id, CancellationToken.None);
            var current = await db.Datasets.FirstAsync(d => d.Id == dataset.Id);
            if (!GenerationGuard.IsCurrent(current, input.Number))
            {
                return false;
            }
            var now = time.GetUtcNow().UtcDateTime;
            foreach (var chunk in changed.Keys.Chunk(500))
            {
                var items = await db.DatasetItems.Where(i => chunk.Contains(i.Id)).ToListAsync();
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
            current.Status = DatasetStatus.Ready;
            current.GenerationCompletedAt = now;
            current.UpdatedAt = now;
            await db.SaveChangesAsync();
            // Reviewers may finish the last pending item while the generation still runs, when no review can start
            // the export (more items may come); so the end of the generation asks the rule too.
            export = await AutoExportRule.StartIfDueAsync(db, dataset.Id, time, CancellationToken.None);
            await tx.CommitAsync();
        }
        if (export is not null)
        {
            await DatasetExporting.ScheduleAsync(client, export, CancellationToken.None);
        }
        return true;
    }

    /// <summary>Two items are the same training example when they ask and answer the same, whatever their input.</summary>
    public static string DuplicateText(string instruction, string idealResponse) => instruction + "\n" + idealResponse;
}

/// <summary>A generation that failed or was cancelled keeps its reason on the dataset, which is usable with what it has.</summary>
public sealed class EndGenerationActivity(ForgeDbContext db, TimeProvider time) : TaskActivity<GenerationEnd, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, GenerationEnd input)
    {
        var dataset = await db.Datasets.FirstOrDefaultAsync(d => d.Id == input.DatasetId);
        if (dataset is null || !GenerationGuard.IsCurrent(dataset, input.Number))
        {
            return false;
        }
        await GenerationEnding.RecordAsync(db, dataset, input.Error, time);
        return true;
    }
}

public static class GenerationEnding
{
    /// <summary>Leaves <c>generating</c> for <c>ready</c> (it has items) or <c>draft</c>, with <paramref name="error"/> as the reason.</summary>
    public static async Task RecordAsync(ForgeDbContext db, Dataset dataset, string error, TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        dataset.Status = await db.DatasetItems.AnyAsync(i => i.DatasetId == dataset.Id) ? DatasetStatus.Ready : DatasetStatus.Draft;
        dataset.GenerationError = error;
        dataset.GenerationCompletedAt = now;
        dataset.UpdatedAt = now;
        await db.SaveChangesAsync();
    }
}
