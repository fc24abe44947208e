using Forge.Shared.Durable;
using Forge.Shared.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Forge.Shared.Engine;

/// <summary>Runs one claimed work item and records its outcome in a single transaction.</summary>
public sealed partial class WorkItemRunner(
    IServiceScopeFactory scopes,
    ActivityRegistry registry,
    EngineWriteGate gate,
    EngineSignal signal,
    TimeProvider time,
    IOptions<EngineOptions> options,
    ILogger<WorkItemRunner> logger)
{
    /// <summary>In every error of an item given up because its workers died holding it, so observers can tell it from the activity's own failures.</summary>
    public const string WorkerStopped = "the worker stopped while running it";

    private readonly RetryPolicy _retry = new(options.Value.Retry);

    /// <summary>
    /// Earlier claims of the item that ended with no recorded outcome: the lease expired under a worker that
    /// died (or stalled). Every claim counts an attempt; failures the activity reported are in its error list;
    /// a graceful stop gives its attempt back.
    /// </summary>
    private static int Abandonments(EngineWorkItem item)
    {
        var failures = System.Text.Json.Nodes.JsonNode.Parse(item.Errors) is System.Text.Json.Nodes.JsonArray errors ? errors.Count : 0;
        return Math.Max(item.Attempts - 1 - failures, 0);
    }

    /// <param name="run">The run as read when the item was claimed; null if it no longer exists.</param>
    public async Task RunAsync(EngineWorkItem item, EngineRun? run, string owner, CancellationToken runCancelled, CancellationToken stopping)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ForgeDbContext>();
        Outcome outcome;
        ActivityContext? context = null;
        if (run is null || RunStatus.IsTerminal(run.Status) || run.CancelRequested)
        {
            outcome = Outcome.Cancel();
        }
        else if (item.Attempts > item.MaxAttempts)
        {
            outcome = Outcome.Die($"{item.Activity}: gave up after {item.MaxAttempts} attempts; on the last one {WorkerStopped} ({item.LastError ?? "lease expired"}).");
        }
        else if (Abandonments(item) is var abandoned && abandoned >= options.Value.MaxAbandonedAttempts)
        {
            // A worker that dies inside an activity (stack overflow, out of memory, FailFast) cannot record a
            // failure; if the input is what kills it, every retry kills another worker. Stop well before MaxAttempts.
            outcome = Outcome.Die($"{item.Activity}: {WorkerStopped} {abandoned} times (the process died: crashed, killed or out of memory), so it is not run again.");
        }
        else if (!registry.TryGet(item.Activity, out var activityType))
        {
            outcome = Outcome.Die($"No activity is registered under the name '{item.Activity}'.");
        }
        else if (stopping.IsCancellationRequested)
        {
            outcome = Outcome.Release();
        }
        else
        {
            context = new ActivityContext(item, run);
            var activity = (IActivity)scope.ServiceProvider.GetRequiredService(activityType);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(runCancelled, stopping);
            outcome = await ExecuteAsync(activity, context, item, runCancelled, stopping, linked.Token);
        }

        if (!outcome.IsSuccess)
        {
            // Whatever the failed attempt left in the change tracker must not be committed.
            db.ChangeTracker.Clear();
        }
        await FinishAsync(db, scope.ServiceProvider, item, owner, context, outcome, CancellationToken.None);
    }

    private async Task<Outcome> ExecuteAsync(IActivity activity, ActivityContext context, EngineWorkItem item,
        CancellationToken runCancelled, CancellationToken stopping, CancellationToken token)
    {
        try
        {
            await activity.ExecuteAsync(context, token);
            return Outcome.Success();
        }
        catch (OperationCanceledException) when (runCancelled.IsCancellationRequested)
        {
            return Outcome.Cancel();
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return Outcome.Release();
        }
        catch (PermanentActivityException ex)
        {
            logger.LogWarning(ex, "Activity {Activity} of run {RunId} failed permanently", item.Activity, item.RunId);
            return Outcome.Die($"{item.Activity}: {ex.Message}");
        }
        catch (Exception ex)
        {
            var retryAfter = (ex as RetryableActivityException)?.RetryAfter;
            if (item.Attempts >= item.MaxAttempts)
            {
                logger.LogWarning(ex, "Activity {Activity} of run {RunId} failed on its last attempt {Attempt}", item.Activity, item.RunId, item.Attempts);
                return Outcome.Die($"{item.Activity}: {ex.Message} (after {item.Attempts} attempts)");
            }
            var delay = _retry.NextDelay(item.Attempts, retryAfter);
            logger.LogInformation("Activity {Activity} of run {RunId} failed on attempt {Attempt}; retrying in {Delay}: {Error}", item.Activity, item.RunId, item.Attempts, delay, ex.Message);
            return Outcome.Retry(ex.Message, delay);
        }
    }

    private enum OutcomeKind { Success, Retry, Dead, Cancelled, Release }

    private sealed record Outcome(OutcomeKind Kind, string? Error = null, TimeSpan Delay = default)
    {
        public bool IsSuccess => Kind == OutcomeKind.Success;
        public static Outcome Success() => new(OutcomeKind.Success);
        public static Outcome Retry(string error, TimeSpan delay) => new(OutcomeKind.Retry, error, delay);
        public static Outcome Die(string error) => new(OutcomeKind.Dead, error);
        public static Outcome Cancel() => new(OutcomeKind.Cancelled);
        public static Outcome Release() => new(OutcomeKind.Release);
    }
}
