using Forge.Shared.Data;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Forge.Shared.Durable;

/// <summary>An instance a resource row says should exist: the row is in progress and names this start.</summary>
public sealed record ExpectedInstance(string InstanceId, TaskName Orchestrator, object? Input, string Resource);

/// <summary>
/// One lifecycle's side of reconciliation: which of its rows are in progress (started before the cut-off), and
/// what to record when a row's instance ended without recording its end (a bug, a purge, a terminate).
/// </summary>
public interface IDurableReconciler
{
    Task<IReadOnlyList<ExpectedInstance>> InProgressAsync(ForgeDbContext db, DateTime startedBefore, CancellationToken cancellationToken);

    Task EndedWithoutRecordAsync(ForgeDbContext db, ExpectedInstance expected, OrchestrationMetadata instance, CancellationToken cancellationToken);
}

public sealed class ReconcileOptions
{
    public const string SectionName = "Forge:Durable:Reconcile";

    /// <summary>How often the reconciler looks; 0 turns the self-host's loop off (Functions runs it on a timer).</summary>
    public int IntervalSeconds { get; set; } = 30;

    /// <summary>How old a start must be before a missing instance counts as lost (the schedule follows the commit).</summary>
    public int GraceSeconds { get; set; } = 10;
}

/// <summary>
/// No start is lost between a commit and its schedule call: every row left in progress whose instance does not
/// exist is started (with the same deterministic id, so a start that was only slow is not doubled), and every
/// row whose instance ended without saying so is handed back to its lifecycle.
/// </summary>
public sealed class DurableReconciliation(
    IEnumerable<IDurableReconciler> reconcilers,
    ForgeDbContext db,
    DurableTaskClient client,
    TimeProvider time,
    IOptions<ReconcileOptions> options,
    ILogger<DurableReconciliation> logger)
{
    /// <summary>Returns how many instances it started.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime.AddSeconds(-options.Value.GraceSeconds);
        var started = 0;
        foreach (var reconciler in reconcilers)
        {
            foreach (var expected in await reconciler.InProgressAsync(db, cutoff, cancellationToken))
            {
                var instance = await client.GetInstanceAsync(expected.InstanceId, cancellationToken);
                if (instance is null)
                {
                    if (await client.StartOnceAsync(expected.Orchestrator, expected.InstanceId, expected.Input, cancellationToken))
                    {
                        started++;
                        logger.LogWarning("Started {InstanceId} for {Resource}: its start was recorded but never scheduled", expected.InstanceId, expected.Resource);
                    }
                }
                else if (instance.IsCompleted)
                {
                    logger.LogWarning("{InstanceId} for {Resource} ended {Status} without recording it", expected.InstanceId, expected.Resource, instance.RuntimeStatus);
                    await reconciler.EndedWithoutRecordAsync(db, expected, instance, cancellationToken);
                }
            }
        }
        return started;
    }
}

/// <summary>The self-host's reconciler loop (in Functions mode a timer trigger calls the same <see cref="DurableReconciliation"/>).</summary>
public sealed class DurableReconcilerService(IServiceScopeFactory scopes, IOptions<ReconcileOptions> options, ILogger<DurableReconcilerService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.IntervalSeconds <= 0)
        {
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.IntervalSeconds));
        try
        {
            await LoopAsync(timer, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
    }

    private async Task LoopAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<DurableReconciliation>().RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Reconciliation failed; it runs again in {Seconds} s", options.Value.IntervalSeconds);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
