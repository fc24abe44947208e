using Forge.Shared.Data;

namespace Forge.Shared.Engine;

/// <summary>
/// One step of an orchestration. Runs at least once: a retry, a crash or a lost lease may run it again,
/// so it must find its own earlier output rather than write it twice. Changes it makes to the scoped
/// <see cref="ForgeDbContext"/> (without saving) and its <see cref="ActivityContext.OnCommit"/> actions are
/// committed in the same transaction that completes the item, and discarded if the item is not completed.
/// </summary>
public interface IActivity
{
    Task ExecuteAsync(ActivityContext context, CancellationToken cancellationToken);
}

/// <summary>
/// Told when a run of its <see cref="RunType"/> ends (completed, failed or cancelled), inside the
/// transaction that ends it, so the resource's status moves with the run.
/// </summary>
public interface IRunObserver
{
    string RunType { get; }

    Task OnRunEndedAsync(ForgeDbContext db, EngineRun run, CancellationToken cancellationToken);
}
