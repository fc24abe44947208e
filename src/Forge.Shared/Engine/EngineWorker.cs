using System.Diagnostics;
using Forge.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Forge.Shared.Engine;

/// <summary>
/// Claims work items up to the configured concurrency, runs them, renews their leases, and notices
/// cancelled runs. Wakes on <see cref="EngineSignal"/>, on the next timer due, or at the poll interval.
/// </summary>
public sealed class EngineWorker(
    IServiceScopeFactory scopes,
    WorkItemRunner runner,
    RunningActivities running,
    EngineSignal signal,
    EngineWriteGate gate,
    TimeProvider time,
    IOptions<EngineOptions> options,
    ILogger<EngineWorker> logger) : BackgroundService
{
    // Compiled once per worker (a compiled query is bound to one model): these run on every claim and idle
    // loop, where LINQ translation would cost more than the query itself.
    private readonly Func<ForgeDbContext, List<Guid>, IAsyncEnumerable<EngineRun>> _runsByIds =
        EF.CompileAsyncQuery((ForgeDbContext db, List<Guid> ids) => db.EngineRuns.AsNoTracking().Where(r => ids.Contains(r.Id)));

    private readonly Func<ForgeDbContext, CancellationToken, Task<DateTime?>> _nextAvailableAt =
        EF.CompileAsyncQuery((ForgeDbContext db, CancellationToken ct) => db.EngineWorkItems
            .Where(w => w.Status == WorkItemStatus.Pending).OrderBy(w => w.AvailableAt).Select(w => (DateTime?)w.AvailableAt).FirstOrDefault());

    private static readonly TimeSpan ClaimCoalescing = TimeSpan.FromMilliseconds(10);

    private readonly EngineOptions _options = options.Value;
    private long _lastClaim;
    private readonly List<Task> _tasks = [];

    public string WorkerId { get; } = options.Value.WorkerId ?? $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Engine worker {WorkerId} started with concurrency {Concurrency}", WorkerId, _options.Concurrency);
        var renewal = RenewLeasesAsync(stoppingToken);
        try
        {
            await LoopAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            Task[] inFlight;
            lock (_tasks)
            {
                inFlight = [.. _tasks];
            }
            // Running activities see the stopping token and give their items back.
            await Task.WhenAll(inFlight);
            await renewal;
        }
    }

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await IterateAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // A database hiccup must not end the worker: log, back off, and go on.
                logger.LogError(ex, "Engine worker loop failed; retrying after the poll interval");
                await Task.Delay(_options.PollInterval, time, stoppingToken);
            }
        }
    }

    private async Task IterateAsync(CancellationToken stoppingToken)
    {
        var free = _options.Concurrency - running.Count;
        var sinceClaim = Stopwatch.GetElapsedTime(_lastClaim);
        // While busy, claims wait (briefly) for half the slots to free up, so they go in batches, not one by one.
        var canClaim = free > 0 && (running.Count == 0 || free >= Math.Max(1, _options.Concurrency / 2) || sinceClaim >= ClaimCoalescing);
        if (canClaim)
        {
            _lastClaim = Stopwatch.GetTimestamp();
            var claimed = await ClaimAndStartAsync(free, stoppingToken);
            if (claimed == free)
            {
                return;
            }
        }
        var wait = canClaim ? await NextDueAsync(stoppingToken)
            : free > 0 ? ClaimCoalescing - sinceClaim
            : _options.PollInterval;
        await signal.WaitAsync(wait, stoppingToken);
    }

    private async Task<int> ClaimAndStartAsync(int free, CancellationToken stoppingToken)
    {
        List<(EngineWorkItem Item, EngineRun? Run)> claimed;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ForgeDbContext>();
            var now = time.GetUtcNow().UtcDateTime;
            claimed = db.Provider == DatabaseProvider.Postgres
                ? [.. await EngineSql.ClaimWithRunsAsync(db, WorkerId, running.ItemIds, free, now, now + _options.Lease, stoppingToken)]
                : await ClaimOnSqliteAsync(db, free, now, stoppingToken);
        }
        foreach (var (item, run) in claimed)
        {
            var cancellation = running.Add(item);
            var task = Task.Run(() => RunOneAsync(item, run, cancellation.Token, stoppingToken), CancellationToken.None);
            lock (_tasks)
            {
                _tasks.Add(task);
            }
            _ = task.ContinueWith(t =>
            {
                lock (_tasks)
                {
                    _tasks.Remove(t);
                }
            }, TaskScheduler.Default);
        }
        return claimed.Count;
    }

    /// <summary>SQLite is in-process, so three statements cost little; the write gate keeps them one writer.</summary>
    private async Task<List<(EngineWorkItem Item, EngineRun? Run)>> ClaimOnSqliteAsync(ForgeDbContext db, int free, DateTime now, CancellationToken stoppingToken)
    {
        List<EngineWorkItem> items;
        List<Guid> runIds = [];
        using (await gate.EnterAsync(stoppingToken))
        {
            items = await EngineSql.ClaimOnSqliteAsync(db, WorkerId, running.ItemIds, free, now, now + _options.Lease, stoppingToken);
            if (items.Count > 0)
            {
                runIds = items.Select(i => i.RunId).Distinct().ToList();
                await EngineSql.MarkRunsStartedOnSqliteAsync(db, runIds, now, CancellationToken.None);
            }
        }
        // The activities see their run as it was when claimed; a cancel in between is caught when they finish.
        var runs = new Dictionary<Guid, EngineRun>();
        if (runIds.Count > 0)
        {
            await foreach (var run in _runsByIds(db, runIds))
            {
                runs[run.Id] = run;
            }
        }
        return items.Select(i => (i, runs.GetValueOrDefault(i.RunId))).ToList();
    }

    private async Task RunOneAsync(EngineWorkItem item, EngineRun? run, CancellationToken runCancelled, CancellationToken stoppingToken)
    {
        try
        {
            await runner.RunAsync(item, run, WorkerId, runCancelled, stoppingToken);
        }
        catch (Exception ex)
        {
            // The item stays leased; once the lease expires it is claimed again and counted as an attempt.
            logger.LogError(ex, "Recording the outcome of work item {ItemId} ({Activity}) failed", item.Id, item.Activity);
        }
        finally
        {
            running.Remove(item.Id);
            signal.Pulse();
        }
    }

    private async Task<TimeSpan> NextDueAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ForgeDbContext>();
        var next = await _nextAvailableAt(db, stoppingToken);
        if (next is null)
        {
            return _options.PollInterval;
        }
        var due = next.Value - time.GetUtcNow().UtcDateTime;
        return due <= TimeSpan.Zero ? TimeSpan.Zero : due < _options.PollInterval ? due : _options.PollInterval;
    }

    private async Task RenewLeasesAsync(CancellationToken stoppingToken)
    {
        var every = _options.RenewInterval;
        while (!stoppingToken.IsCancellationRequested || running.Count > 0)
        {
            try
            {
                await Task.Delay(every, time, stoppingToken.IsCancellationRequested ? CancellationToken.None : stoppingToken);
            }
            catch (OperationCanceledException)
            {
                continue;
            }
            if (running.Count == 0)
            {
                continue;
            }
            try
            {
                await RenewOnceAsync();
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Renewing leases failed; will try again");
            }
        }
    }

    private async Task RenewOnceAsync()
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ForgeDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var until = now + _options.Lease;
        using (await gate.EnterAsync(CancellationToken.None))
        {
            await db.EngineWorkItems.Where(w => w.LeaseOwner == WorkerId && w.Status == WorkItemStatus.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.LeaseExpiresAt, until));
        }
        var runIds = running.RunIds;
        var stopped = await db.EngineRuns
            .Where(r => runIds.Contains(r.Id) && (r.CancelRequested || r.Status == RunStatus.Failed || r.Status == RunStatus.Cancelled))
            .Select(r => r.Id).ToListAsync();
        foreach (var runId in stopped)
        {
            running.CancelRun(runId);
        }
    }
}
