using Forge.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Forge.Shared.Engine;

/// <summary>
/// After any SaveChanges that enqueued work (a handler starting a run), wakes this process's workers
/// and, on PostgreSQL, every other worker process through NOTIFY (delivered when the transaction commits).
/// </summary>
public sealed class EngineWakeInterceptor(EngineSignal signal) : SaveChangesInterceptor
{
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, object> _pending = [];

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Remember(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Remember(eventData.Context);
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is ForgeDbContext db && _pending.Remove(db))
        {
            await EngineSql.NotifyAsync(db, cancellationToken);
            if (db.Database.CurrentTransaction is null)
            {
                signal.Pulse();
            }
        }
        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is ForgeDbContext db && _pending.Remove(db))
        {
            if (db.Provider == DatabaseProvider.Postgres)
            {
                db.Database.ExecuteSqlRaw($"SELECT pg_notify('{EngineSql.NotifyChannel}', '')");
            }
            if (db.Database.CurrentTransaction is null)
            {
                signal.Pulse();
            }
        }
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    // Contexts are pooled: a failed save must not leave a mark for the context's next user.
    private void Forget(DbContext? context)
    {
        if (context is not null)
        {
            _pending.Remove(context);
        }
    }

    private void Remember(DbContext? context)
    {
        if (context is not null && context.ChangeTracker.Entries<EngineWorkItem>().Any(e => e.State == EntityState.Added))
        {
            _pending.AddOrUpdate(context, this);
        }
    }
}
