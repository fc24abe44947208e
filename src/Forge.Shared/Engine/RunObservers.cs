using Forge.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Shared.Engine;

/// <summary>Tells a run's observers that it ended, inside the transaction that ended it.</summary>
internal static class RunObservers
{
    public static async Task NotifyAsync(ForgeDbContext db, IServiceProvider services, Guid runId, CancellationToken ct)
    {
        var observers = services.GetServices<IRunObserver>().ToList();
        if (observers.Count == 0)
        {
            return;
        }
        var run = await db.EngineRuns.AsNoTracking().FirstAsync(r => r.Id == runId, ct);
        foreach (var observer in observers.Where(o => o.RunType == run.Type))
        {
            await observer.OnRunEndedAsync(db, run, ct);
        }
        if (db.ChangeTracker.HasChanges())
        {
            await db.SaveChangesAsync(ct);
        }
    }
}
