using Forge.Shared.Durable;
using System.Text.Json.Nodes;
using Forge.Shared.Data;
using Forge.Shared.Engine;
using Forge.Shared.Training;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forge.Functions.TrainingJobs;

/// <summary>
/// One look at the provider's job: new events and the latest metrics are recorded, and the next look is a durable
/// timer, so a Forge restart picks the loop up where it was. A cancel asked for and not yet sent is sent here too.
/// </summary>
public sealed class PollTrainingActivity(ForgeDbContext db, TrainingProviders providers, IOptions<TrainingOptions> options, TimeProvider time) : IActivity
{
    private const string FailuresKey = "forge_poll_failures";
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(10);

    private static int Failures(TrainingJob job) => job.ProviderState[FailuresKey] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0;

    public async Task ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var input = context.GetInput<TrainingInput>();
        var job = await db.TrainingJobs.FirstOrDefaultAsync(j => j.Id == input.JobId, cancellationToken);
        if (job is null || TrainingJobStatus.IsTerminal(job.Status) || job.ExternalJobId is null)
        {
            return;
        }
        var provider = providers.Get(job.Provider);
        TrainingSnapshot snapshot;
        try
        {
            if (job.CancelRequested && job.CancelSentAt is null)
            {
                await provider.CancelAsync(new TrainingHandle(job.ExternalJobId, job.ProviderState), cancellationToken);
                job.CancelSentAt = time.GetUtcNow().UtcDateTime;
            }
            snapshot = await provider.GetStatusAsync(new TrainingHandle(job.ExternalJobId, job.ProviderState), cancellationToken);
        }
        catch (RetryableActivityException unreachable) when (Failures(job) < options.Value.PollFailureBudget)
        {
            // A provider outage must not fail a job that keeps training (and billing) there: look again later, backing off.
            var failures = Failures(job) + 1;
            job.ProviderState = TrainingLifecycle.Merge(job.ProviderState, new JsonObject { [FailuresKey] = failures });
            var now0 = time.GetUtcNow().UtcDateTime;
            job.UpdatedAt = now0;
            TrainingLifecycle.AddEvent(db, job, $"forge:unreachable:{now0.Ticks}", "message",
                $"{job.Provider} could not be asked for the job's status ({failures} in a row): {unreachable.Message}", now0);
            var backoff = TimeSpan.FromMilliseconds(Math.Min(options.Value.PollIntervalMs * Math.Pow(2, Math.Min(failures - 1, 16)), MaxBackoff.TotalMilliseconds));
            context.Schedule(TrainingLifecycle.Poll, input, unreachable.RetryAfter is { } wait && wait > backoff ? wait : backoff);
            return;
        }
        snapshot.State.Remove(FailuresKey);
        var now = time.GetUtcNow().UtcDateTime;
        job.ProviderState = snapshot.State;
        if (snapshot.Metrics.Count > 0)
        {
            job.Metrics = TrainingLifecycle.Merge(job.Metrics, snapshot.Metrics);
        }
        job.UpdatedAt = now;
        await RecordEventsAsync(job, snapshot.Events, cancellationToken);

        switch (snapshot.Status)
        {
            case TrainingState.Succeeded:
                await TrainingLifecycle.EndAsync(db, job, TrainingJobStatus.Completed, null, snapshot.FineTunedModel, now, context, cancellationToken);
                break;
            case TrainingState.Failed:
                await TrainingLifecycle.EndAsync(db, job, TrainingJobStatus.Failed, snapshot.Error ?? $"{job.Provider} reported the job failed", null, now, context, cancellationToken);
                break;
            case TrainingState.Cancelled:
                await TrainingLifecycle.EndAsync(db, job, TrainingJobStatus.Cancelled, null, null, now, context, cancellationToken);
                break;
            default:
                context.Schedule(TrainingLifecycle.Poll, input, TimeSpan.FromMilliseconds(options.Value.PollIntervalMs));
                break;
        }
    }

    /// <summary>Events the provider reports again (a poll retried after a crash) are recognised by their ids and kept once.</summary>
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

/// <summary>Asks the provider to stop a submitted job (retried until it answers); the poll loop then sees it cancelled.</summary>
public sealed class CancelTrainingActivity(ForgeDbContext db, TrainingProviders providers, TimeProvider time) : IActivity
{
    public async Task ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var job = await db.TrainingJobs.FirstOrDefaultAsync(j => j.Id == context.GetInput<TrainingInput>().JobId, cancellationToken);
        if (job is null || TrainingJobStatus.IsTerminal(job.Status) || job.ExternalJobId is null || job.CancelSentAt is not null)
        {
            // Not submitted yet: the lifecycle's next step sees CancelRequested and ends the job itself.
            return;
        }
        await providers.Get(job.Provider).CancelAsync(new TrainingHandle(job.ExternalJobId, job.ProviderState), cancellationToken);
        // EF writes only this column, so the poll loop's changes to the rest of the row stand.
        job.CancelSentAt = time.GetUtcNow().UtcDateTime;
    }
}

/// <summary>A lifecycle run that died (retries exhausted, a permanent provider error) or was cancelled ends its job and moves its model back.</summary>
public sealed class TrainingLifecycleObserver(TimeProvider time) : IRunObserver
{
    public string RunType => TrainingLifecycle.RunType;

    public async Task OnRunEndedAsync(ForgeDbContext db, EngineRun run, CancellationToken cancellationToken)
    {
        if (run.Status == RunStatus.Completed)
        {
            return;
        }
        var job = await db.TrainingJobs.FirstOrDefaultAsync(j => j.RunId == run.Id, cancellationToken);
        if (job is null || TrainingJobStatus.IsTerminal(job.Status))
        {
            return;
        }
        var cancelled = run.Status == RunStatus.Cancelled;
        await TrainingLifecycle.EndAsync(db, job, cancelled ? TrainingJobStatus.Cancelled : TrainingJobStatus.Failed,
            cancelled ? null : run.Error ?? "Training failed", null, time.GetUtcNow().UtcDateTime, null, cancellationToken);
    }
}
