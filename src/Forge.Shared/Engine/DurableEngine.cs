using System.Text.Json;
using Forge.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Forge.Shared.Engine;

/// <summary>
/// Starts, inspects and cancels orchestration runs. <see cref="Start"/> only adds rows to the caller's
/// DbContext, so the caller's <c>SaveChanges</c> records the intent and its own changes atomically.
/// </summary>
public sealed class DurableEngine(
    ForgeDbContext db,
    EngineWriteGate gate,
    RunningActivities running,
    IServiceProvider services,
    TimeProvider time,
    IOptions<EngineOptions> options)
{
    /// <summary>
    /// Adds a run of <paramref name="type"/> whose first activity is <paramref name="activity"/>.
    /// Workers pick it up once the caller saves.
    /// </summary>
    public EngineRun Start(string type, string? subject, string activity, object? input = null, TimeSpan? delay = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentException.ThrowIfNullOrWhiteSpace(activity);
        var now = time.GetUtcNow().UtcDateTime;
        var run = new EngineRun
        {
            Id = Guid.CreateVersion7(),
            Type = type,
            Subject = subject,
            Status = RunStatus.Pending,
            Outstanding = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.EngineRuns.Add(run);
        db.EngineWorkItems.Add(new EngineWorkItem
        {
            Id = Guid.CreateVersion7(),
            RunId = run.Id,
            Activity = activity,
            Payload = input is null ? "null" : JsonSerializer.Serialize(input, input.GetType(), ActivityContext.Json),
            IdempotencyKey = $"{run.Id:N}/start",
            MaxAttempts = options.Value.Retry.MaxAttempts,
            AvailableAt = now + (delay ?? TimeSpan.Zero),
            CreatedAt = now,
        });
        return run;
    }

    /// <summary>Starts a run and saves at once.</summary>
    public async Task<EngineRun> StartAsync(string type, string? subject, string activity, object? input = null, CancellationToken cancellationToken = default)
    {
        var run = Start(type, subject, activity, input);
        using (await gate.EnterAsync(cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        return run;
    }

    public Task<EngineRun?> GetRunAsync(Guid runId, CancellationToken cancellationToken = default) =>
        db.EngineRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, cancellationToken);

    /// <summary>
    /// Stops a run: nothing new is scheduled, pending items are dropped, running activities see their
    /// token cancelled, and the run ends <c>cancelled</c> when the last running one returns.
    /// Returns false when the run does not exist or has already ended.
    /// </summary>
    public async Task<bool> CancelAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        using var _ = await gate.EnterAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var runLock = await EngineSql.LockRunAsync(db, runId, now, cancellationToken);
        if (runLock is null || RunStatus.IsTerminal(runLock.Status))
        {
            await tx.RollbackAsync(cancellationToken);
            return false;
        }
        var dropped = await db.EngineWorkItems.Where(w => w.RunId == runId && w.Status == WorkItemStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.Status, WorkItemStatus.Cancelled).SetProperty(w => w.CompletedAt, now), cancellationToken);
        var outstanding = Math.Max(runLock.Outstanding - dropped, 0);
        var ended = outstanding == 0;
        await db.EngineRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.CancelRequested, true)
            .SetProperty(r => r.Outstanding, outstanding)
            .SetProperty(r => r.Status, r => ended ? RunStatus.Cancelled : r.Status)
            .SetProperty(r => r.CompletedAt, r => ended ? now : r.CompletedAt), cancellationToken);
        if (ended)
        {
            await RunObservers.NotifyAsync(db, services, runId, cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
        running.CancelRun(runId);
        return true;
    }
}
