using System.Text.Json.Nodes;
using Forge.Shared.Data;
using Forge.Shared.Durable;
using Forge.Shared.Training;
using Microsoft.DurableTask;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forge.Functions.TrainingJobs;

/// <summary>
/// One look at the provider's job: new events and the latest metrics are recorded, and the orchestrator waits on a
/// durable timer for the next look, so a Forge restart picks the loop up where it was. A cancel asked for and not yet
/// sent is sent here too (the <c>cancel</c> event only wakes the orchestrator sooner).
/// </summary>
public sealed class PollTrainingActivity(ForgeDbContext db, TrainingProviders providers, IOptions<TrainingOptions> options, TimeProvider time)
    : TaskActivity<Guid, TrainingStep>
{
    private const string FailuresKey = "forge_poll_failures";
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(10);

    private static int Failures(TrainingJob job) => job.ProviderState[FailuresKey] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0;

    public override async Task<TrainingStep> RunAsync(TaskActivityContext context, Guid jobId)
    {
        var ct = CancellationToken.None;
        var job = await db.TrainingJobs.FirstOrDefaultAsync(j => j.Id == jobId, ct);
        if (job is null || TrainingJobStatus.IsTerminal(job.Status) || job.ExternalJobId is null)
        {
            return TrainingStep.Done;
        }
        var provider = providers.Get(job.Provider);
        TrainingSnapshot snapshot;
        try
        {
            if (job.CancelRequested && job.CancelSentAt is null)
            {
                await provider.CancelAsync(new TrainingHandle(job.ExternalJobId, job.ProviderState), ct);
                job.CancelSentAt = time.GetUtcNow().UtcDateTime;
            }
            snapshot = await provider.GetStatusAsync(new TrainingHandle(job.ExternalJobId, job.ProviderState), ct);
        }
        catch (RetryableActivityException unreachable) when (Failures(job) < options.Value.PollFailureBudget)
        {
            // A provider outage must not fail a job that keeps training (and billing) there: look again later, backing off.
            var failures = Failures(job) + 1;
            job.ProviderState = TrainingLifecycle.Merge(job.ProviderState, new JsonObject { [FailuresKey] = failures });
            var at = time.GetUtcNow().UtcDateTime;
            job.UpdatedAt = at;
            TrainingLifecycle.AddEvent(db, job, $"forge:unreachable:{at.Ticks}", "message",
                $"{job.Provider} could not be asked for the job's status ({failures} in a row): {unreachable.Message}", at);
            await db.SaveChangesAsync(ct);
            var backoff = TimeSpan.FromMilliseconds(Math.Min(options.Value.PollIntervalMs * Math.Pow(2, Math.Min(failures - 1, 16)), MaxBackoff.TotalMilliseconds));
            var wait = unreachable.RetryAfter is { } asked && asked > backoff ? asked : backoff;
            return new TrainingStep(false, TrainingOrchestrator.WholeSeconds(wait.TotalMilliseconds));
        }
        snapshot.State.Remove(FailuresKey);
        var now = time.GetUtcNow().UtcDateTime;
        job.ProviderState = snapshot.State;
        if (snapshot.Metrics.Count > 0)
        {
            job.Metrics = TrainingLifecycle.Merge(job.Metrics, snapshot.Metrics);
        }
        job.UpdatedAt = now;
        await RecordEventsAsync(job, snapshot.Events, ct);

        switch (snapshot.Status)
        {
            case TrainingState.Succeeded:
                await TrainingLifecycle.EndAsync(db, job, TrainingJobStatus.Completed, null, snapshot.FineTunedModel, now, ct);
                return TrainingStep.Done;
            case TrainingState.Failed:
                await TrainingLifecycle.EndAsync(db, job, TrainingJobStatus.Failed, snapshot.Error ?? $"{job.Provider} reported the job failed", null, now, ct);
                return TrainingStep.Done;
            case TrainingState.Cancelled:
                await TrainingLifecycle.EndAsync(db, job, TrainingJobStatus.Cancelled, null, null, now, ct);
                return TrainingStep.Done;
            default:
                await db.SaveChangesAsync(ct);
                return TrainingStep.Next(options.Value);
        }
    }

    /// <summary>Events the provider reports again (a poll run again after a crash) are recognised by their ids and kept once.</summary>
    private async Task RecordEventsAsync(TrainingJob job, IReadOnlyList<TrainingEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }
        var ids = events.Select(e => e.Id).ToList();
        var known = (await db.TrainingJobEvents.Where(e => e.JobId == job.Id && ids.Contains(e.ExternalId)).Select(e => e.ExternalId).ToListAsync(cancellationToken)).ToHashSet();
        foreach (var e in events.Where(e => known.Add(e.Id)))
        {
            TrainingLifecycle.AddEvent(db, job, e.Id, e.Kind, e.Message, e.At, e.Data);
        }
    }
}

/// <summary>Asks the provider to stop a submitted job (retried until it answers); the next poll then sees it cancelled.</summary>
public sealed class CancelTrainingActivity(ForgeDbContext db, TrainingProviders providers, TimeProvider time) : TaskActivity<Guid, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, Guid jobId)
    {
        var job = await db.TrainingJobs.FirstOrDefaultAsync(j => j.Id == jobId);
        if (job is null || TrainingJobStatus.IsTerminal(job.Status) || job.ExternalJobId is null || job.CancelSentAt is not null)
        {
            // Not submitted yet: submit sees CancelRequested and ends the job itself.
            return false;
        }
        await providers.Get(job.Provider).CancelAsync(new TrainingHandle(job.ExternalJobId, job.ProviderState), CancellationToken.None);
        // EF writes only this column, so what a poll wrote to the rest of the row stands.
        job.CancelSentAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync();
        return true;
    }
}

/// <summary>A step that failed for good (a permanent provider error, retries used up) ends the job failed and moves its model back.</summary>
public sealed class FailTrainingActivity(ForgeDbContext db, TimeProvider time) : TaskActivity<TrainingFailure, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, TrainingFailure failure)
    {
        var job = await db.TrainingJobs.FirstOrDefaultAsync(j => j.Id == failure.JobId);
        if (job is null || TrainingJobStatus.IsTerminal(job.Status))
        {
            return false;
        }
        await TrainingLifecycle.EndAsync(db, job, TrainingJobStatus.Failed, failure.Error, null, time.GetUtcNow().UtcDateTime, CancellationToken.None);
        return true;
    }
}

public sealed record TrainingFailure(Guid JobId, string Error);
