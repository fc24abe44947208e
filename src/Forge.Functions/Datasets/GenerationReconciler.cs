using Forge.Shared.Data;
using Forge.Shared.Durable;
using Microsoft.DurableTask.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forge.Functions.Datasets;

/// <summary>
/// Every dataset left <c>generating</c> names its generation's instance; one whose start was committed but never
/// scheduled is started from the row, and one whose instance ended without recording it is ended with the reason.
/// </summary>
public sealed class GenerationReconciler(IOptions<GenerationOptions> options, TimeProvider time) : IDurableReconciler
{
    public async Task<IReadOnlyList<ExpectedInstance>> InProgressAsync(ForgeDbContext db, DateTime startedBefore, CancellationToken cancellationToken)
    {
        var rows = await db.Datasets.AsNoTracking()
            .Where(d => d.Status == DatasetStatus.Generating && d.GenerationStartedAt < startedBefore)
            .Select(d => new { d.Id, d.GenerationNumber, d.GenerationRunId, d.GenerationRequest })
            .ToListAsync(cancellationToken);
        return rows.Select(d => new ExpectedInstance(
                SyntheticGeneration.InstanceId(d.Id, d.GenerationNumber),
                SyntheticGeneration.Orchestrator,
                GenerationRequestRecord.FromJson(d.GenerationRequest, options.Value).ToRun(d.Id, d.GenerationNumber, d.GenerationRunId ?? d.Id),
                $"dataset {d.Id}"))
            .ToList();
    }

    public async Task EndedWithoutRecordAsync(ForgeDbContext db, ExpectedInstance expected, OrchestrationMetadata instance, CancellationToken cancellationToken)
    {
        var run = (GenerationRun)expected.Input!;
        var dataset = await db.Datasets.FirstOrDefaultAsync(d => d.Id == run.DatasetId, cancellationToken);
        if (dataset is null || !GenerationGuard.IsCurrent(dataset, run.Number))
        {
            return;
        }
        var reason = instance.FailureDetails?.ErrorMessage ?? $"its orchestration ended {instance.RuntimeStatus} without recording the end";
        await GenerationEnding.RecordAsync(db, dataset, $"Generation failed: {reason}", time);
    }
}
