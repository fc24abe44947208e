using Forge.Shared.Data;
using Forge.Shared.Engine;
using Forge.Tests.Infrastructure;
using Forge.Tests.Worker;

namespace Forge.Tests.Engine;

/// <summary>
/// The engine across real worker processes: one is SIGKILLed mid-activity, two share a large run.
/// Every activity's effect must happen exactly once.
/// </summary>
public abstract class EngineProcessConformance(DatabaseProvider provider) : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> ShortLease = new()
    {
        ["Forge:Engine:LeaseSeconds"] = "2",
        ["Forge:Engine:RenewIntervalMs"] = "500",
    };

    private EngineHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await EngineHarness.CreateAsync(provider, new Dictionary<string, string?> { ["Forge:Engine:Retry:MaxAttempts"] = "5" });

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task WorkerKilledMidActivityLosesNothingAndAnotherWorkerFinishesWithoutDuplicates()
    {
        await using var doomed = await WorkerProcess.StartAsync(_harness.WorkerArguments("doomed", ShortLease));
        var run = await _harness.StartRunAsync("test.fan-out", new FanOutInput("crash", Count: 6, SleepMs: 4000));
        await _harness.WaitUntilAsync(async () => (await _harness.ItemsAsync(run.Id)).Count(i => i.Status == WorkItemStatus.Running && i.LeaseOwner == "doomed") == 6,
            TimeSpan.FromSeconds(30), "the doomed worker to be inside all six activities");

        await doomed.KillAsync();
        await using var survivor = await WorkerProcess.StartAsync(_harness.WorkerArguments("survivor", ShortLease));
        var ended = await _harness.WaitForEndAsync(run.Id, TimeSpan.FromSeconds(90));

        ended.Status.Should().Be(RunStatus.Completed, $"{ended.Error} {survivor.Output}");
        var effects = await _harness.EffectsAsync();
        effects.Select(e => e.Key).Should().BeEquivalentTo(Enumerable.Range(0, 6).Select(i => $"crash-{i}").Append("crash-joined"));
        effects.Should().OnlyContain(e => e.Worker == "survivor");
        var children = (await _harness.ItemsAsync(run.Id)).Where(i => i.JoinId is not null).ToList();
        children.Should().HaveCount(6).And.OnlyContain(i => i.Status == WorkItemStatus.Completed && i.Attempts == 2);
    }

    [Fact]
    public async Task ActivityThatKillsItsWorkerFailsItsRunAfterTwoDeathsInsteadOfKillingEveryRestartedWorker()
    {
        var run = await _harness.StartRunAsync("test.fail-fast", new EffectInput("poison"));
        var started = 0;
        EngineRun? ended = null;
        // A supervisor's loop: whenever the worker has died, start another one; a poison item must not keep this going.
        while (ended is null && started < 6)
        {
            var deathsBefore = (await _harness.EffectsAsync()).Count;
            await using var worker = await WorkerProcess.StartAsync(_harness.WorkerArguments($"worker-{started++}", ShortLease));
            await _harness.WaitUntilAsync(async () => (await _harness.EffectsAsync()).Count > deathsBefore || RunStatus.IsTerminal((await _harness.GetRunAsync(run.Id)).Status),
                TimeSpan.FromSeconds(60), "the worker to die in the activity or the run to end");
            var current = await _harness.GetRunAsync(run.Id);
            ended = RunStatus.IsTerminal(current.Status) ? current : null;
        }

        ended.Should().NotBeNull("the run must end after a bounded number of worker deaths");
        ended!.Status.Should().Be(RunStatus.Failed);
        ended.Error.Should().Contain(WorkItemRunner.WorkerStopped).And.Contain("2 times");
        var deaths = (await _harness.EffectsAsync()).OrderBy(d => d.Attempt).ToList();
        deaths.Select(d => (d.Worker, d.Attempt)).Should().Equal(("worker-0", 1), ("worker-1", 2));
        started.Should().Be(3, "the third worker gives the item up without running it, and survives");
        var item = (await _harness.ItemsAsync(run.Id)).Single();
        item.Status.Should().Be(WorkItemStatus.Dead);
        item.Attempts.Should().Be(3);
    }

    [Fact]
    public async Task TwoWorkerProcessesShareAThousandActivitiesAndEachEffectHappensOnce()
    {
        var settings = new Dictionary<string, string?> { ["Forge:Engine:Concurrency"] = "16", ["Forge:Engine:PollIntervalMs"] = "100" };
        await using var first = await WorkerProcess.StartAsync(_harness.WorkerArguments("first", settings));
        await using var second = await WorkerProcess.StartAsync(_harness.WorkerArguments("second", settings));
        var run = await _harness.StartRunAsync("test.fan-out", new FanOutInput("shared", Count: 1000, SleepMs: 5));

        var ended = await _harness.WaitForEndAsync(run.Id, TimeSpan.FromSeconds(180));

        ended.Status.Should().Be(RunStatus.Completed, first.Output + second.Output);
        var effects = await _harness.EffectsAsync();
        effects.Should().HaveCount(1001);
        effects.Select(e => e.Key).Should().OnlyHaveUniqueItems();
        effects.Count(e => e.Key == "shared-joined").Should().Be(1);
        effects.Count(e => e.Worker == "first").Should().BeGreaterThan(0, "both processes claim work");
        effects.Count(e => e.Worker == "second").Should().BeGreaterThan(0, "both processes claim work");
        var items = await _harness.ItemsAsync(run.Id);
        items.Should().HaveCount(1002).And.OnlyContain(i => i.Status == WorkItemStatus.Completed && i.Attempts == 1);
    }
}

public sealed class SqliteEngineProcessTests() : EngineProcessConformance(DatabaseProvider.Sqlite);

public sealed class PostgresEngineProcessTests() : EngineProcessConformance(DatabaseProvider.Postgres);
