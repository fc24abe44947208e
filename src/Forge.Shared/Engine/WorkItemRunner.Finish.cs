using System.Text.Json.Nodes;
using Forge.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Forge.Shared.Engine;

/// <summary>Recording an item's outcome: one transaction per item, fenced by the claim's owner and attempt.</summary>
public sealed partial class WorkItemRunner
{
    private async Task FinishAsync(ForgeDbContext db, IServiceProvider services, EngineWorkItem item, string owner,
        ActivityContext? context, Outcome outcome, CancellationToken ct)
    {
        using var _ = await gate.EnterAsync(ct);
        if (outcome.IsSuccess && context is not null && context.RunFailure is null)
        {
            if (await TryCompleteAsync(db, services, item, owner, context, ct))
            {
                return;
            }
            // The run was cancelled or failed while this activity ran: its output is dropped with the run.
            db.ChangeTracker.Clear();
            (context, outcome) = (null, Outcome.Cancel());
        }
        await FinishLockingRunAsync(db, services, item, owner, context, outcome, ct);
    }

    /// <summary>
    /// The common path: complete the item, apply its writes, schedule what it asked for and count it on
    /// the run, without first locking the run. An activity that wrote and scheduled nothing completes in a
    /// single statement on PostgreSQL. Returns false, having rolled back, when the run turns out to be
    /// cancelled or ended and the item had scheduled more work.
    /// </summary>
    private async Task<bool> TryCompleteAsync(ForgeDbContext db, IServiceProvider services, EngineWorkItem item, string owner, ActivityContext context, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var observed = services.GetServices<IRunObserver>().Any(o => o.RunType == context.RunType);
        var alone = db.Provider == DatabaseProvider.Postgres && context.Scheduled.Count == 0 && item.JoinId is null
            && context.CommitActions.Count == 0 && !observed && !db.ChangeTracker.HasChanges();
        await using var tx = alone ? null : await db.Database.BeginTransactionAsync(ct);
        var (added, allDelayed) = (0, false);
        if (!alone)
        {
            (added, allDelayed) = await ScheduleAsync(db, item, context, now, ct);
            foreach (var action in context.CommitActions)
            {
                await action(db, ct);
            }
            await SaveIfChangedAsync(db, ct);
        }
        var run = await EngineSql.CompleteAndCountAsync(db, item, owner, added, allDelayed, context.NewState, context.ProgressDone, context.ProgressTotal, context.Step, now, ct);
        if (run is null)
        {
            // Our lease expired and another worker owns the item now: nothing of this attempt may land.
            if (tx is not null)
            {
                await tx.RollbackAsync(ct);
            }
            logger.LogWarning("Lost the lease on work item {ItemId} ({Activity}); its result is discarded", item.Id, item.Activity);
            return true;
        }
        if (added > 0 && (run.CancelRequested || RunStatus.IsTerminal(run.Status)))
        {
            await tx!.RollbackAsync(ct);
            return false;
        }
        if (observed && run.Outstanding == 0 && RunStatus.IsTerminal(run.Status))
        {
            await RunObservers.NotifyAsync(db, services, item.RunId, ct);
        }
        if (added > 0)
        {
            await EngineSql.NotifyAsync(db, ct);
        }
        if (tx is not null)
        {
            await tx.CommitAsync(ct);
        }
        if (added > 0)
        {
            signal.Pulse();
        }
        return true;
    }

    private async Task FinishLockingRunAsync(ForgeDbContext db, IServiceProvider services, EngineWorkItem item, string owner,
        ActivityContext? context, Outcome outcome, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        var owned = await MarkItemAsync(db, item, owner, outcome, now, ct);
        if (owned == 0)
        {
            // Our lease expired and another worker owns the item now: nothing of this attempt may land.
            await tx.RollbackAsync(ct);
            logger.LogWarning("Lost the lease on work item {ItemId} ({Activity}); its result is discarded", item.Id, item.Activity);
            return;
        }
        if (outcome.Kind == OutcomeKind.Retry || outcome.Kind == OutcomeKind.Release)
        {
            await tx.CommitAsync(ct);
            return;
        }

        var runLock = await EngineSql.LockRunAsync(db, item.RunId, now, ct);
        if (runLock is null)
        {
            await tx.CommitAsync(ct);
            return;
        }

        var runEnded = RunStatus.IsTerminal(runLock.Status);
        var stopScheduling = runEnded || runLock.CancelRequested || outcome.Kind != OutcomeKind.Success || context?.RunFailure is not null;
        var added = 0;
        var allDelayed = true;
        if (!stopScheduling && context is not null)
        {
            (added, allDelayed) = await ScheduleAsync(db, item, context, now, ct);
            foreach (var action in context.CommitActions)
            {
                await action(db, ct);
            }
        }
        else if (outcome.Kind == OutcomeKind.Success && context is not null && !runEnded)
        {
            // A run failed by the activity still keeps the activity's own writes (e.g. the failure reason).
            foreach (var action in context.CommitActions)
            {
                await action(db, ct);
            }
        }

        var outstanding = runLock.Outstanding - 1 + added;
        string? newStatus = null;
        string? error = null;
        if (!runEnded)
        {
            if (outcome.Kind == OutcomeKind.Dead)
            {
                (newStatus, error) = (RunStatus.Failed, outcome.Error);
            }
            else if (context?.RunFailure is { } failure && outcome.Kind == OutcomeKind.Success)
            {
                (newStatus, error) = (RunStatus.Failed, failure);
            }
            else if (runLock.CancelRequested || outcome.Kind == OutcomeKind.Cancelled)
            {
                newStatus = outstanding <= 0 ? RunStatus.Cancelled : null;
            }
            else if (outstanding <= 0)
            {
                newStatus = RunStatus.Completed;
            }
            else if (added > 0)
            {
                newStatus = allDelayed ? RunStatus.Waiting : RunStatus.Running;
            }
        }

        if (newStatus == RunStatus.Failed)
        {
            var cancelled = await db.EngineWorkItems.Where(w => w.RunId == item.RunId && w.Status == WorkItemStatus.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.Status, WorkItemStatus.Cancelled).SetProperty(w => w.CompletedAt, now), ct);
            outstanding -= cancelled;
        }

        var state = outcome.Kind == OutcomeKind.Success ? context?.NewState : null;
        var done = context?.ProgressDone;
        var total = context?.ProgressTotal;
        var step = context?.Step;
        var ended = newStatus is not null && RunStatus.IsTerminal(newStatus);
        await db.EngineRuns.Where(r => r.Id == item.RunId).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Outstanding, Math.Max(outstanding, 0))
            .SetProperty(r => r.Status, r => newStatus ?? r.Status)
            .SetProperty(r => r.Error, r => error ?? r.Error)
            .SetProperty(r => r.State, r => state ?? r.State)
            .SetProperty(r => r.ProgressDone, r => done ?? r.ProgressDone)
            .SetProperty(r => r.ProgressTotal, r => total ?? r.ProgressTotal)
            .SetProperty(r => r.CurrentStep, r => step ?? r.CurrentStep)
            .SetProperty(r => r.CompletedAt, r => ended ? now : r.CompletedAt), ct);

        if (ended)
        {
            await RunObservers.NotifyAsync(db, services, item.RunId, ct);
        }
        await db.SaveChangesAsync(ct);
        if (added > 0)
        {
            await EngineSql.NotifyAsync(db, ct);
        }
        await tx.CommitAsync(ct);
        if (added > 0)
        {
            signal.Pulse();
        }
    }

    private static Task<int> MarkItemAsync(ForgeDbContext db, EngineWorkItem item, string owner, Outcome outcome, DateTime now, CancellationToken ct)
    {
        // The claim's attempt number fences out an older execution of the same item, even by this worker.
        var mine = db.EngineWorkItems.Where(w => w.Id == item.Id && w.LeaseOwner == owner && w.Attempts == item.Attempts && w.Status == WorkItemStatus.Running);
        return outcome.Kind switch
        {
            OutcomeKind.Success => mine.ExecuteUpdateAsync(s => s
                .SetProperty(w => w.Status, WorkItemStatus.Completed)
                .SetProperty(w => w.CompletedAt, now)
                .SetProperty(w => w.LeaseOwner, (string?)null)
                .SetProperty(w => w.LeaseExpiresAt, (DateTime?)null), ct),
            OutcomeKind.Retry => mine.ExecuteUpdateAsync(s => s
                .SetProperty(w => w.Status, WorkItemStatus.Pending)
                .SetProperty(w => w.AvailableAt, now + outcome.Delay)
                .SetProperty(w => w.LastError, outcome.Error)
                .SetProperty(w => w.Errors, AppendError(item, outcome.Error!, now))
                .SetProperty(w => w.LeaseOwner, (string?)null)
                .SetProperty(w => w.LeaseExpiresAt, (DateTime?)null), ct),
            // Shutting down is not the activity's fault: the attempt is given back.
            OutcomeKind.Release => mine.ExecuteUpdateAsync(s => s
                .SetProperty(w => w.Status, WorkItemStatus.Pending)
                .SetProperty(w => w.Attempts, w => w.Attempts - 1)
                .SetProperty(w => w.LeaseOwner, (string?)null)
                .SetProperty(w => w.LeaseExpiresAt, (DateTime?)null), ct),
            OutcomeKind.Dead => mine.ExecuteUpdateAsync(s => s
                .SetProperty(w => w.Status, WorkItemStatus.Dead)
                .SetProperty(w => w.CompletedAt, now)
                .SetProperty(w => w.LastError, outcome.Error)
                .SetProperty(w => w.Errors, AppendError(item, outcome.Error!, now))
                .SetProperty(w => w.LeaseOwner, (string?)null)
                .SetProperty(w => w.LeaseExpiresAt, (DateTime?)null), ct),
            _ => mine.ExecuteUpdateAsync(s => s
                .SetProperty(w => w.Status, WorkItemStatus.Cancelled)
                .SetProperty(w => w.CompletedAt, now)
                .SetProperty(w => w.LeaseOwner, (string?)null)
                .SetProperty(w => w.LeaseExpiresAt, (DateTime?)null), ct),
        };
    }

    private async Task<(int Added, bool AllDelayed)> ScheduleAsync(ForgeDbContext db, EngineWorkItem item, ActivityContext context, DateTime now, CancellationToken ct)
    {
        var added = 0;
        var allDelayed = true;
        if (item.JoinId is { } joinId && await EngineSql.DecrementJoinAsync(db, joinId, ct) == 0)
        {
            var join = await db.EngineJoins.AsNoTracking().FirstAsync(j => j.Id == joinId, ct);
            db.EngineWorkItems.Add(NewItem(item.RunId, join.ContinuationActivity, join.ContinuationPayload, join.ContinuationKey, null, now, now));
            added++;
            allDelayed = false;
        }

        var joinIds = new Dictionary<string, Guid>();
        foreach (var join in context.Joins)
        {
            var id = Guid.NewGuid();
            joinIds[join.Key] = id;
            db.EngineJoins.Add(new EngineJoin
            {
                Id = id,
                RunId = item.RunId,
                Total = join.Total,
                Remaining = join.Total,
                ContinuationActivity = join.Then,
                ContinuationPayload = join.ThenPayload,
                ContinuationKey = $"{join.Key}/then",
                CreatedAt = now,
            });
        }
        foreach (var next in context.Scheduled)
        {
            var joinId2 = next.JoinKey is null ? (Guid?)null : joinIds[next.JoinKey];
            db.EngineWorkItems.Add(NewItem(item.RunId, next.Activity, next.Payload, next.Key, joinId2, now + next.Delay, now));
            added++;
            allDelayed &= next.Delay > TimeSpan.Zero;
        }
        return (added, added > 0 && allDelayed);
    }

    internal EngineWorkItem NewItem(Guid runId, string activity, string payload, string key, Guid? joinId, DateTime availableAt, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        RunId = runId,
        Activity = activity,
        Payload = payload,
        IdempotencyKey = key,
        JoinId = joinId,
        MaxAttempts = _retry.MaxAttempts,
        AvailableAt = availableAt,
        CreatedAt = now,
    };

    private static async Task SaveIfChangedAsync(ForgeDbContext db, CancellationToken ct)
    {
        if (db.ChangeTracker.HasChanges())
        {
            await db.SaveChangesAsync(ct);
        }
    }

    private static string AppendError(EngineWorkItem item, string error, DateTime at)
    {
        var errors = JsonNode.Parse(item.Errors) as JsonArray ?? [];
        errors.Add(new JsonObject { ["attempt"] = item.Attempts, ["at"] = at, ["error"] = error });
        return errors.ToJsonString();
    }
}
