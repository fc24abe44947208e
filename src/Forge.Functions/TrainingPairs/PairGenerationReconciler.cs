using Forge.Shared.Data;
using Forge.Shared.Durable;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forge.Functions.TrainingPairs;

/// <summary>
/// Generations not yet ended have a live orchestration: one committed but never scheduled is started from its stored
/// plan, and one whose orchestration ended without ending the run is failed saying so.
/// </summary>
public sealed class PairGenerationReconciler(IOptions<TrainingPairOptions> options, TimeProvider time) : IDurableReconciler
{
    public async Task<IReadOnlyList<ExpectedInstance>> InProgressAsync(ForgeDbContext db, DateTime startedBefore, CancellationToken cancellationToken)
    {
        var runs = await db.Set<PairGenerationRun>().AsNoTracking()
            .Where(r => (r.Status == PairGenerationStatus.Pending || r.Status == PairGenerationStatus.Running) && r.CreatedAt < startedBefore)
            .ToListAsync(cancellationToken);
        return runs.Select(r => new ExpectedInstance(TrainingPairGeneration.InstanceId(r.Id), new TaskName(TrainingPairGeneration.Orchestrator),
            TrainingPairGeneration.StartOf(r, options.Value), $"pair generation {r.Id}")).ToList();
    }

    public Task EndedWithoutRecordAsync(ForgeDbContext db, ExpectedInstance expected, OrchestrationMetadata instance, CancellationToken cancellationToken) =>
        PairGenerationRuns.EndAsync(db, ((PairGenerationStart)expected.Input!).RunId,
            $"The generation ended ({instance.RuntimeStatus}) without recording its end", time.GetUtcNow().UtcDateTime, cancellationToken);
}
