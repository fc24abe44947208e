using Forge.Shared.Ai;
using Forge.Shared.Data;
using Forge.Shared.Durable;
using Microsoft.DurableTask;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.Datasets;

/// <summary>
/// Picks the (segment, variant) keys up to <c>max_items</c>, leaves out those that already have an item, clears
/// earlier skips of the rest so they are tried again, and records the generator and the planned count on the
/// dataset. Running it again before any batch finds the same keys: nothing it writes depends on having run.
/// </summary>
public sealed class PlanGenerationActivity(ForgeDbContext db, ItemGenerators generators) : TaskActivity<GenerationRun, GenerationPlan>
{
    public override async Task<GenerationPlan> RunAsync(TaskActivityContext context, GenerationRun input)
    {
        var dataset = await db.Datasets.FirstOrDefaultAsync(d => d.Id == input.DatasetId)
            ?? throw new PermanentActivityException($"Dataset {input.DatasetId} no longer exists");
        if (!GenerationGuard.IsCurrent(dataset, input.Number) || dataset.GenerationCancelRequestedAt is not null)
        {
            return new GenerationPlan([], Stopped: true);
        }
        var perSegment = DatasetRules.ReadGenerationConfig(dataset.GenerationConfig).ItemsPerSegment;
        var segmentLimit = (input.MaxItems + perSegment - 1) / perSegment;
        var segments = await SegmentSelection.Query(db, dataset, input.SegmentIds)
            .OrderBy(s => s.CreatedAt).ThenBy(s => s.DocumentId).ThenBy(s => s.Position)
            .Select(s => s.Id).Take(segmentLimit).ToListAsync();
        var keys = segments.SelectMany(id => Enumerable.Range(0, perSegment).Select(v => new GenerationKey(id, v))).Take(input.MaxItems).ToList();

        var existing = (await db.DatasetItems.Where(i => i.DatasetId == dataset.Id)
            .Select(i => new { i.SegmentId, i.Variant }).ToListAsync())
            .Select(i => new GenerationKey(i.SegmentId, i.Variant)).ToHashSet();
        var todo = keys.Where(k => !existing.Contains(k)).ToList();
        var retried = todo.Select(k => k.SegmentId).ToHashSet();
        var staleSkips = await db.DatasetItemSkips.Where(s => s.DatasetId == dataset.Id).ToListAsync();
        db.DatasetItemSkips.RemoveRange(staleSkips.Where(s => retried.Contains(s.SegmentId)));

        var generator = generators.For(dataset.Provider);
        dataset.Generator = generator.Name;
        dataset.GeneratorNote = generators.Describe(dataset.Provider);
        dataset.GenerationPlanned = todo.Count;
        await db.SaveChangesAsync();
        return new GenerationPlan(todo, Stopped: false);
    }
}

/// <summary>
/// Activities run at least once, possibly after their generation ended or a newer one began: each acts only on the
/// generation it was started for, while the dataset is still generating it.
/// </summary>
public static class GenerationGuard
{
    public static bool IsCurrent(Dataset dataset, int number) =>
        dataset.Status == DatasetStatus.Generating && dataset.GenerationNumber == number;
}
