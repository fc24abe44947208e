using Forge.Shared.Data;
using Forge.Shared.Durable;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forge.Functions.TrainingJobs;

/// <summary>
/// Jobs not yet ended have a live <c>training-{id}</c>: one committed but never scheduled is started, and one whose
/// orchestration ended without ending the job (terminated, purged, a bug) is failed saying so.
/// </summary>
public sealed class TrainingReconciler(IOptions<TrainingOptions> options, TimeProvider time) : IDurableReconciler
{
    public async Task<IReadOnlyList<ExpectedInstance>> InProgressAsync(ForgeDbContext db, DateTime startedBefore, CancellationToken cancellationToken)
    {
        var jobs = await db.TrainingJobs.AsNoTracking()
            .Where(j => (j.Status == TrainingJobStatus.Pending || j.Status == TrainingJobStatus.Running) && j.CreatedAt < startedBefore)
            .Select(j => j.Id).ToListAsync(cancellationToken);
        return jobs.Select(id => new ExpectedInstance(TrainingLifecycle.InstanceId(id), new TaskName(TrainingLifecycle.Orchestrator),
            Start(id, options.Value), $"training job {id}")).ToList();
    }

    public async Task EndedWithoutRecordAsync(ForgeDbContext db, ExpectedInstance expected, OrchestrationMetadata instance, CancellationToken cancellationToken)
    {
        var jobId = ((TrainingRun)expected.Input!).JobId;
        var job = await db.TrainingJobs.FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        if (job is null || TrainingJobStatus.IsTerminal(job.Status))
        {
            return;
        }
        await TrainingLifecycle.EndAsync(db, job, TrainingJobStatus.Failed,
            $"The training lifecycle ended ({instance.RuntimeStatus}) without ending the job; start a new job to train again",
            null, time.GetUtcNow().UtcDateTime, cancellationToken);
    }

    /// <summary>The first execution's input, the same from the endpoint and from here.</summary>
    public static TrainingRun Start(Guid jobId, TrainingOptions options) => new(jobId, options.PollsPerExecution);
}
