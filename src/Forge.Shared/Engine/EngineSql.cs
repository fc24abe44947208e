using System.ComponentModel.DataAnnotations.Schema;
using Forge.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace Forge.Shared.Engine;

/// <summary>
/// The statements that differ per database: one atomic claim (FOR UPDATE SKIP LOCKED on PostgreSQL; the
/// single SQLite writer needs no row locks), and row locks taken by an UPDATE ... RETURNING.
/// Expired leases are claimable like pending items, so the claim is also the rescuer.
/// </summary>
internal static class EngineSql
{
    public const string NotifyChannel = "forge_engine";

    public static Task<List<EngineWorkItem>> ClaimAsync(ForgeDbContext db, string owner, int limit, DateTime now, DateTime leaseUntil, CancellationToken ct)
    {
        var query = db.Provider == DatabaseProvider.Postgres
            ? db.EngineWorkItems.FromSql($"""
                UPDATE engine_work_items
                SET status = 'running', lease_owner = {owner}, lease_expires_at = {leaseUntil}, attempts = attempts + 1, started_at = {now}
                WHERE id IN (
                    SELECT id FROM engine_work_items
                    WHERE (status = 'pending' AND available_at <= {now}) OR (status = 'running' AND lease_expires_at < {now})
                    ORDER BY available_at, id
                    LIMIT {limit}
                    FOR UPDATE SKIP LOCKED)
                RETURNING *
                """)
            : db.EngineWorkItems.FromSql($"""
                UPDATE engine_work_items
                SET status = 'running', lease_owner = {owner}, lease_expires_at = {leaseUntil}, attempts = attempts + 1, started_at = {now}
                WHERE id IN (
                    SELECT id FROM engine_work_items
                    WHERE (status = 'pending' AND available_at <= {now}) OR (status = 'running' AND lease_expires_at < {now})
                    ORDER BY available_at, id
                    LIMIT {limit})
                RETURNING *
                """);
        return query.AsNoTracking().ToListAsync(ct);
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

    /// <summary>
    /// Counts a completed item on its run and moves the run's status, in one statement that also returns
    /// what the caller must check (a cancel request or an ended run means scheduled work must not land).
    /// </summary>
    public static async Task<RunLock?> CountCompletionAsync(ForgeDbContext db, Guid runId, int added, bool allDelayed,
        string? state, int? done, int? total, string? step, DateTime now, CancellationToken ct)
    {
        var rows = await db.Database.SqlQuery<RunLock>($"""
            UPDATE engine_runs SET
                outstanding = outstanding - 1 + {added},
                status = CASE
                    WHEN status IN ('completed', 'failed', 'cancelled') THEN status
                    WHEN outstanding - 1 + {added} <= 0 THEN (CASE WHEN cancel_requested THEN 'cancelled' ELSE 'completed' END)
                    WHEN cancel_requested THEN status
                    WHEN {added} > 0 AND {allDelayed} THEN 'waiting'
                    WHEN {added} > 0 THEN 'running'
                    ELSE status END,
                completed_at = CASE WHEN status NOT IN ('completed', 'failed', 'cancelled') AND outstanding - 1 + {added} <= 0 THEN {now} ELSE completed_at END,
                state = COALESCE({state}, state),
                progress_done = COALESCE({done}, progress_done),
                progress_total = COALESCE({total}, progress_total),
                current_step = COALESCE({step}, current_step),
                updated_at = {now}
            WHERE id = {runId}
            RETURNING status AS "Status", cancel_requested AS "CancelRequested", outstanding AS "Outstanding"
            """).ToListAsync(ct);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>Marks an item completed if this claim (owner and attempt) still holds it; returns 1 or 0.</summary>
    public static Task<int> CompleteItemAsync(ForgeDbContext db, Guid itemId, string owner, int attempt, DateTime now, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""
            UPDATE engine_work_items SET status = 'completed', completed_at = {now}, lease_owner = NULL, lease_expires_at = NULL
            WHERE id = {itemId} AND lease_owner = {owner} AND attempts = {attempt} AND status = 'running'
            """, ct);

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
