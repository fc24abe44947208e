using System.ComponentModel.DataAnnotations.Schema;
using Forge.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace Forge.Shared.Engine;

/// <summary>
/// The statements that differ per database: one atomic claim (FOR UPDATE SKIP LOCKED on PostgreSQL; the
/// single SQLite writer needs no row locks), and row locks taken by an UPDATE ... RETURNING.
/// Expired leases are claimable like pending items, so the claim is also the rescuer; except by the worker that
/// is still running the item itself (its renewal was late): that is a stall, not a death, and must not count as one.
/// </summary>
internal static class EngineSql
{
    public const string NotifyChannel = "forge_engine";

    /// <summary>SQLite: claims items (the caller holds the write gate; SQLite has one writer, so no row locks).</summary>
    public static Task<List<EngineWorkItem>> ClaimOnSqliteAsync(ForgeDbContext db, string owner, IReadOnlyCollection<Guid> runningHere, int limit, DateTime now, DateTime leaseUntil, CancellationToken ct) =>
        db.EngineWorkItems.FromSql($"""
            UPDATE engine_work_items
            SET status = 'running', lease_owner = {owner}, lease_expires_at = {leaseUntil}, attempts = attempts + 1, started_at = {now}
            WHERE id IN (
                SELECT id FROM engine_work_items
                WHERE (status = 'pending' AND available_at <= {now})
                   OR (status = 'running' AND lease_expires_at < {now}
                       AND NOT (lease_owner = {owner} AND id IN (SELECT value FROM json_each({SqliteGuidArray(runningHere)}))))
                ORDER BY available_at, id
                LIMIT {limit})
            RETURNING *
            """).AsNoTracking().ToListAsync(ct);

    /// <summary>SQLite: marks the runs of just-claimed items running.</summary>
    public static Task<int> MarkRunsStartedOnSqliteAsync(ForgeDbContext db, IReadOnlyList<Guid> runIds, DateTime now, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""
            UPDATE engine_runs SET status = 'running', started_at = COALESCE(started_at, {now}), updated_at = {now}
            WHERE id IN (SELECT value FROM json_each({SqliteGuidArray(runIds)})) AND status IN ('pending', 'waiting')
            """, ct);

    /// <summary>A JSON array of ids in the form EF Core stores GUIDs in SQLite (upper-case text).</summary>
    private static string SqliteGuidArray(IEnumerable<Guid> ids) =>
        System.Text.Json.JsonSerializer.Serialize(ids.Select(id => id.ToString().ToUpperInvariant()));

    /// <summary>
    /// PostgreSQL: claims items, marks their runs running and reads what the activities need of the runs,
    /// in one round trip. (The run columns are the statement's snapshot, before the status change.)
    /// </summary>
    public static async Task<List<(EngineWorkItem Item, EngineRun Run)>> ClaimWithRunsAsync(ForgeDbContext db, string owner, IReadOnlyCollection<Guid> runningHere, int limit, DateTime now, DateTime leaseUntil, CancellationToken ct)
    {
        var mine = runningHere.ToArray();
        var rows = await db.Database.SqlQuery<ClaimedRow>($"""
            WITH claimed AS (
                UPDATE engine_work_items
                SET status = 'running', lease_owner = {owner}, lease_expires_at = {leaseUntil}, attempts = attempts + 1, started_at = {now}
                WHERE id IN (
                    SELECT id FROM engine_work_items
                    WHERE (status = 'pending' AND available_at <= {now})
                       OR (status = 'running' AND lease_expires_at < {now} AND NOT (lease_owner = {owner} AND id = ANY({mine})))
                    ORDER BY available_at, id
                    LIMIT {limit}
                    FOR UPDATE SKIP LOCKED)
                RETURNING *),
            started AS (
                UPDATE engine_runs SET status = 'running', started_at = COALESCE(started_at, {now}), updated_at = {now}
                WHERE id IN (SELECT run_id FROM claimed) AND status IN ('pending', 'waiting')
                RETURNING id)
            SELECT c.id AS "Id", c.run_id AS "RunId", c.activity AS "Activity", c.payload AS "Payload", c.attempts AS "Attempts",
                   c.max_attempts AS "MaxAttempts", c.available_at AS "AvailableAt", c.idempotency_key AS "IdempotencyKey",
                   c.join_id AS "JoinId", c.last_error AS "LastError", c.errors AS "Errors", c.created_at AS "CreatedAt",
                   r.type AS "RunType", r.subject AS "RunSubject", r.status AS "RunStatus", r.state AS "RunState",
                   r.cancel_requested AS "RunCancelRequested"
            FROM claimed c JOIN engine_runs r ON r.id = c.run_id
            """).ToListAsync(ct);
        return rows.Select(r => r.ToEntities(owner, now, leaseUntil)).ToList();
    }

    /// <summary>Locks the run row for the rest of the transaction and reads what the caller decides on.</summary>
    public static async Task<RunLock?> LockRunAsync(ForgeDbContext db, Guid runId, DateTime now, CancellationToken ct)
    {
        var rows = await db.Database.SqlQuery<RunLock>($"""
            UPDATE engine_runs SET updated_at = {now} WHERE id = {runId}
            RETURNING status AS "Status", cancel_requested AS "CancelRequested", outstanding AS "Outstanding"
            """).ToListAsync(ct);
        return rows.Count == 0 ? null : rows[0];
    }

    // Counts a completed item on its run and moves the run's status. {0} added, {1} all added are timers,
    // {2} state, {3} progress done, {4} progress total, {5} step, {6} now.
    private const string CountOnRun = """
        outstanding = outstanding - 1 + {0},
        status = CASE
            WHEN status IN ('completed', 'failed', 'cancelled') THEN status
            WHEN outstanding - 1 + {0} <= 0 THEN (CASE WHEN cancel_requested THEN 'cancelled' ELSE 'completed' END)
            WHEN cancel_requested THEN status
            WHEN {0} > 0 AND {1} THEN 'waiting'
            WHEN {0} > 0 THEN 'running'
            ELSE status END,
        completed_at = CASE WHEN status NOT IN ('completed', 'failed', 'cancelled') AND outstanding - 1 + {0} <= 0 THEN {6} ELSE completed_at END,
        state = COALESCE({2}, state),
        progress_done = COALESCE({3}, progress_done),
        progress_total = COALESCE({4}, progress_total),
        current_step = COALESCE({5}, current_step),
        updated_at = {6}
        """;

    private const string RunLockColumns = """status AS "Status", cancel_requested AS "CancelRequested", outstanding AS "Outstanding" """;

    /// <summary>
    /// Marks the item completed if this claim (owner and attempt) still holds it, counts it on its run and
    /// returns what the caller must check (a cancel request or an ended run means scheduled work must not
    /// land). Null when the claim was lost. One statement on PostgreSQL, two on SQLite (in-process, cheap).
    /// </summary>
    public static async Task<RunLock?> CompleteAndCountAsync(ForgeDbContext db, EngineWorkItem item, string owner, int added, bool allDelayed,
        string? state, int? done, int? total, string? step, DateTime now, CancellationToken ct)
    {
        object?[] args = [added, allDelayed, state, done, total, step, now, item.Id, owner, item.Attempts, item.RunId];
        if (db.Provider == DatabaseProvider.Postgres)
        {
            var rows = await db.Database.SqlQueryRaw<RunLock>($$"""
                WITH done AS (
                    UPDATE engine_work_items SET status = 'completed', completed_at = {6}, lease_owner = NULL, lease_expires_at = NULL
                    WHERE id = {7} AND lease_owner = {8} AND attempts = {9} AND status = 'running'
                    RETURNING run_id)
                UPDATE engine_runs SET {{CountOnRun}}
                WHERE id IN (SELECT run_id FROM done)
                RETURNING {{RunLockColumns}}
                """, args!).ToListAsync(ct);
            return rows.Count == 0 ? null : rows[0];
        }
        if (await db.Database.ExecuteSqlRawAsync("""
                UPDATE engine_work_items SET status = 'completed', completed_at = {6}, lease_owner = NULL, lease_expires_at = NULL
                WHERE id = {7} AND lease_owner = {8} AND attempts = {9} AND status = 'running'
                """, args!, ct) == 0)
        {
            return null;
        }
        var counted = await db.Database.SqlQueryRaw<RunLock>($$"""
            UPDATE engine_runs SET {{CountOnRun}}
            WHERE id = {10}
            RETURNING {{RunLockColumns}}
            """, args!).ToListAsync(ct);
        return counted.Count == 0 ? null : counted[0];
    }

    public static async Task<int> DecrementJoinAsync(ForgeDbContext db, Guid joinId, CancellationToken ct)
    {
        var rows = await db.Database.SqlQuery<int>($"""
            UPDATE engine_joins SET remaining = remaining - 1 WHERE id = {joinId} RETURNING remaining AS "Value"
            """).ToListAsync(ct);
        return rows.Count == 0 ? -1 : rows[0];
    }

    /// <summary>Tells every listening worker process that work is ready; delivered when the transaction commits.</summary>
    public static Task NotifyAsync(ForgeDbContext db, CancellationToken ct) =>
        db.Provider == DatabaseProvider.Postgres
            ? db.Database.ExecuteSqlRawAsync($"SELECT pg_notify('{NotifyChannel}', '')", ct)
            : Task.CompletedTask;
}

internal sealed class RunLock
{
    [Column("Status")]
    public string Status { get; set; } = "";

    [Column("CancelRequested")]
    public bool CancelRequested { get; set; }

    [Column("Outstanding")]
    public int Outstanding { get; set; }
}

/// <summary>
/// SQLite has one writer per database; serializing this process's engine transactions avoids spinning
/// on the database lock. Other processes still wait on busy_timeout. PostgreSQL needs no gate.
/// </summary>
public sealed class EngineWriteGate(bool enabled)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async ValueTask<IDisposable?> EnterAsync(CancellationToken ct)
    {
        if (!enabled)
        {
            return null;
        }
        await _gate.WaitAsync(ct);
        return new Release(_gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}

/// <summary>A claimed work item with what its activity needs to know of the run, from one PostgreSQL statement.</summary>
internal sealed class ClaimedRow
{
    public Guid Id { get; set; }
    public Guid RunId { get; set; }
    public string Activity { get; set; } = "";
    public string Payload { get; set; } = "null";
    public int Attempts { get; set; }
    public int MaxAttempts { get; set; }
    public DateTime AvailableAt { get; set; }
    public string IdempotencyKey { get; set; } = "";
    public Guid? JoinId { get; set; }
    public string? LastError { get; set; }
    public string Errors { get; set; } = "[]";
    public DateTime CreatedAt { get; set; }
    public string RunType { get; set; } = "";
    public string? RunSubject { get; set; }
    public string RunStatus { get; set; } = "";
    public string RunState { get; set; } = "{}";
    public bool RunCancelRequested { get; set; }

    public (EngineWorkItem Item, EngineRun Run) ToEntities(string owner, DateTime now, DateTime leaseUntil) => (
        new EngineWorkItem
        {
            Id = Id, RunId = RunId, Activity = Activity, Payload = Payload, Status = WorkItemStatus.Running,
            Attempts = Attempts, MaxAttempts = MaxAttempts, AvailableAt = DateTime.SpecifyKind(AvailableAt, DateTimeKind.Utc),
            LeaseOwner = owner, LeaseExpiresAt = leaseUntil, IdempotencyKey = IdempotencyKey, JoinId = JoinId,
            LastError = LastError, Errors = Errors, CreatedAt = DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc), StartedAt = now,
        },
        new EngineRun
        {
            Id = RunId, Type = RunType, Subject = RunSubject, Status = RunStatus, State = RunState, CancelRequested = RunCancelRequested,
        });
}
