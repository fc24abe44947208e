using Forge.Shared.Data;
using Forge.Shared.Engine;
using Forge.Tests.Infrastructure;
using Forge.Tests.Worker;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Tests.Engine;

/// <summary>
/// What the durable engine promises, run against each database it supports (subclassed per provider).
/// </summary>
public abstract class EngineConformance(DatabaseProvider provider) : IAsyncLifetime
{
    protected EngineHarness Harness { get; private set; } = null!;

    public async Task InitializeAsync() => Harness = await EngineHarness.CreateAsync(provider);

    public async Task DisposeAsync() => await Harness.DisposeAsync();

    [Fact]
    public async Task SequentialActivitiesRunInOrderAndCompleteTheRunWithItsState()
    {
        await Harness.StartWorkerAsync("w1");
        var run = await Harness.StartRunAsync("test.chain", new ChainInput(1, 5));

        var ended = await Harness.WaitForEndAsync(run.Id);

        ended.Status.Should().Be(RunStatus.Completed);
        ended.State.Should().Contain("\"visited\":\"12345\"");
        ended.ProgressDone.Should().Be(5);
        ended.ProgressTotal.Should().Be(5);
        ended.CurrentStep.Should().Be("step-5");
        ended.Outstanding.Should().Be(0);
        ended.StartedAt.Should().NotBeNull();
        ended.CompletedAt.Should().NotBeNull();
        (await Harness.EffectsAsync()).Select(e => e.Key).Should().BeEquivalentTo(Enumerable.Range(1, 5).Select(i => $"chain-{run.Id}-{i}"));
    }

    [Fact]
    public async Task FanOutRunsEveryChildOnceAndTheContinuationOnceAfterTheLast()
    {
        await Harness.StartWorkerAsync("w1");
        await Harness.StartWorkerAsync("w2");
        var run = await Harness.StartRunAsync("test.fan-out", new FanOutInput("child", 60));

        var ended = await Harness.WaitForEndAsync(run.Id);

        ended.Status.Should().Be(RunStatus.Completed);
        var effects = await Harness.EffectsAsync();
        effects.Where(e => e.Key.StartsWith("child-", StringComparison.Ordinal) && e.Key != "child-joined")
            .Select(e => e.Key).Should().OnlyHaveUniqueItems().And.HaveCount(60);
        effects.Count(e => e.Key == "child-joined").Should().Be(1);
        var items = await Harness.ItemsAsync(run.Id);
        var joined = items.Single(i => i.Payload.Contains("child-joined"));
        items.Where(i => i.JoinId is not null).Should().OnlyContain(i => i.CompletedAt <= joined.StartedAt);
    }

    [Fact]
    public async Task FailingActivityIsRetriedWithBackoffAndItsErrorsAreKept()
    {
        await Harness.StartWorkerAsync("w1");
        var run = await Harness.StartRunAsync("test.flaky", new FlakyInput("flaky", FailTimes: 2));

        var ended = await Harness.WaitForEndAsync(run.Id);

        ended.Status.Should().Be(RunStatus.Completed);
        var item = (await Harness.ItemsAsync(run.Id)).Single();
        item.Attempts.Should().Be(3);
        item.Errors.Should().Contain("attempt 1").And.Contain("attempt 2");
        (await Harness.EffectsAsync()).Should().ContainSingle(e => e.Key == "flaky").Which.Attempt.Should().Be(3);
    }

    [Fact]
    public async Task RetryAfterFromTheProviderIsHonoured()
    {
        await Harness.StartWorkerAsync("w1");
        var run = await Harness.StartRunAsync("test.flaky", new FlakyInput("slow-down", FailTimes: 1, RetryAfterMs: 1500));

        // The first attempt fails and asks for 1.5 s; the item must not be available before then.
        await Harness.WaitUntilAsync(async () => (await Harness.ItemsAsync(run.Id)).Single().LastError is not null, TimeSpan.FromSeconds(20), "the first failure");
        var failed = (await Harness.ItemsAsync(run.Id)).Single();
        var firstFailure = System.Text.Json.JsonDocument.Parse(failed.Errors).RootElement[0].GetProperty("at").GetDateTime();
        var ended = await Harness.WaitForEndAsync(run.Id);

        ended.Status.Should().Be(RunStatus.Completed);
        var done = (await Harness.ItemsAsync(run.Id)).Single();
        (done.StartedAt!.Value - firstFailure).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(1500));
    }

    [Fact]
    public async Task ExhaustedRetriesKillTheItemAndFailTheRunWithTheError()
    {
        await Harness.StartWorkerAsync("w1");
        var run = await Harness.StartRunAsync("test.flaky", new FlakyInput("never", FailTimes: 100));

        var ended = await Harness.WaitForEndAsync(run.Id);

        ended.Status.Should().Be(RunStatus.Failed);
        ended.Error.Should().Contain("test.flaky").And.Contain("provider said no on attempt 4").And.Contain("after 4 attempts");
        var item = (await Harness.ItemsAsync(run.Id)).Single();
        item.Status.Should().Be(WorkItemStatus.Dead);
        item.Attempts.Should().Be(4);
        (await Harness.EffectsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task PermanentFailureFailsTheRunWithoutRetrying()
    {
        await Harness.StartWorkerAsync("w1");
        var run = await Harness.StartRunAsync("test.permanent-failure", null);

        var ended = await Harness.WaitForEndAsync(run.Id);

        ended.Status.Should().Be(RunStatus.Failed);
        ended.Error.Should().Be("test.permanent-failure: the document is encrypted");
        (await Harness.ItemsAsync(run.Id)).Single().Attempts.Should().Be(1);
    }

    [Fact]
    public async Task ActivityCanFailItsRunAndNothingItScheduledRuns()
    {
        await Harness.StartWorkerAsync("w1");
        var run = await Harness.StartRunAsync("test.fail-run", null);

        var ended = await Harness.WaitForEndAsync(run.Id);

        ended.Status.Should().Be(RunStatus.Failed);
        ended.Error.Should().Be("validation failed: no segments");
        (await Harness.ItemsAsync(run.Id)).Should().ContainSingle();
        (await Harness.EffectsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task UnknownActivityFailsTheRunWithAClearError()
    {
        await Harness.StartWorkerAsync("w1");
        var run = await Harness.StartRunAsync("test.no-such-activity", null);

        var ended = await Harness.WaitForEndAsync(run.Id);

        ended.Status.Should().Be(RunStatus.Failed);
        ended.Error.Should().Contain("No activity is registered under the name 'test.no-such-activity'");
    }

    [Fact]
    public async Task TimerDelaysTheNextActivityAndTheRunWaitsMeanwhile()
    {
        await Harness.StartWorkerAsync("w1");
        var run = await Harness.StartRunAsync("test.timer", new TimerInput("after-timer", DelayMs: 1500));

        await Harness.WaitUntilAsync(async () => (await Harness.GetRunAsync(run.Id)).Status == RunStatus.Waiting, TimeSpan.FromSeconds(20), "the run to wait on its timer");
        var ended = await Harness.WaitForEndAsync(run.Id);

        ended.Status.Should().Be(RunStatus.Completed);
        var items = (await Harness.ItemsAsync(run.Id)).OrderBy(i => i.CreatedAt).ToList();
        var timer = items.Single(i => i.Activity == "test.effect");
        (timer.AvailableAt - timer.CreatedAt).Should().BeCloseTo(TimeSpan.FromMilliseconds(1500), TimeSpan.FromMilliseconds(5));
        timer.StartedAt.Should().BeOnOrAfter(timer.AvailableAt);
        (await Harness.EffectsAsync()).Should().ContainSingle(e => e.Key == "after-timer");
    }

    [Fact]
    public async Task CancelledRunStopsSchedulingSignalsRunningActivitiesAndEndsCancelled()
    {
        await Harness.StartWorkerAsync("w1", new Dictionary<string, string?> { ["Forge:Engine:Concurrency"] = "4" });
        var run = await Harness.StartRunAsync("test.fan-out", new FanOutInput("slow", Count: 40, SleepMs: 30_000));
        await Harness.WaitUntilAsync(async () => (await Harness.ItemsAsync(run.Id)).Count(i => i.Status == WorkItemStatus.Running) == 4, TimeSpan.FromSeconds(20), "four running children");

        (await Harness.CancelAsync(run.Id)).Should().BeTrue();
        var ended = await Harness.WaitForEndAsync(run.Id, TimeSpan.FromSeconds(20));

        ended.Status.Should().Be(RunStatus.Cancelled);
        ended.CancelRequested.Should().BeTrue();
        var items = await Harness.ItemsAsync(run.Id);
        items.Where(i => i.JoinId is not null).Should().OnlyContain(i => i.Status == WorkItemStatus.Cancelled);
        items.Should().NotContain(i => i.Payload.Contains("slow-joined"));
        (await Harness.EffectsAsync()).Should().BeEmpty();
        (await Harness.CancelAsync(run.Id)).Should().BeFalse("an ended run cannot be cancelled again");
    }

    [Theory]
    [InlineData("test.no-op", RunStatus.Completed)]
    [InlineData("test.chain", RunStatus.Completed)]
    [InlineData("test.permanent-failure", RunStatus.Failed)]
    [InlineData("test.fail-run", RunStatus.Failed)]
    public async Task ObserversHearOnceHowARunEnded(string activity, string status)
    {
        await Harness.StartWorkerAsync("w1");
        var run = await Harness.StartRunAsync(activity, activity == "test.chain" ? new ChainInput(1, 2) : null, RecordingRunObserver.Type);

        (await Harness.WaitForEndAsync(run.Id)).Status.Should().Be(status);

        await Harness.WaitUntilAsync(async () => (await Harness.EffectsAsync()).Any(e => e.Worker == "observer"), TimeSpan.FromSeconds(10), "the observer");
        (await Harness.EffectsAsync()).Where(e => e.Worker == "observer").Select(e => e.Key).Should().Equal($"ended:{run.Id}:{status}");
    }

    [Fact]
    public async Task ObserversHearOfARunCancelledWhileItsOnlyItemWasPending()
    {
        var run = await Harness.StartRunAsync("test.effect", new EffectInput("never"), RecordingRunObserver.Type);

        // No worker is running: the run's only item is pending, so cancelling ends the run at once.
        (await Harness.CancelAsync(run.Id)).Should().BeTrue();

        (await Harness.GetRunAsync(run.Id)).Status.Should().Be(RunStatus.Cancelled);
        (await Harness.EffectsAsync()).Select(e => e.Key).Should().Equal($"ended:{run.Id}:{RunStatus.Cancelled}");
    }

    [Fact]
    public async Task WorkEnqueuedWithTheCallersChangesIsOnlyVisibleOnceSaved()
    {
        await Harness.StartWorkerAsync("w1");
        await using var scope = Harness.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ForgeDbContext>();
        var engine = scope.ServiceProvider.GetRequiredService<DurableEngine>();

        var run = engine.Start("test.run", "doc:1", "test.effect", new EffectInput("transactional"));
        (await Harness.WithDbAsync(d => d.EngineRuns.CountAsync())).Should().Be(0);
        await db.SaveChangesAsync();

        (await Harness.WaitForEndAsync(run.Id)).Status.Should().Be(RunStatus.Completed);
        (await Harness.EffectsAsync()).Should().ContainSingle(e => e.Key == "transactional");
    }

    [Fact]
    public async Task ExpiredLeaseIsClaimedAgainAndTheLateWorkersResultIsDiscarded()
    {
        var run = await Harness.StartRunAsync("test.effect", new EffectInput("leased", SleepMs: 2500));
        // The slow worker holds a one-second lease it never renews, and has no free slot to claim the item again itself.
        await Harness.StartWorkerAsync("slow", new Dictionary<string, string?> { ["Forge:Engine:LeaseSeconds"] = "1", ["Forge:Engine:RenewIntervalMs"] = "600000", ["Forge:Engine:Concurrency"] = "1" });
        await Harness.WaitUntilAsync(async () => (await Harness.ItemsAsync(run.Id)).Single().LeaseOwner == "slow", TimeSpan.FromSeconds(10), "the slow worker's claim");
        await Harness.StartWorkerAsync("fast");

        var ended = await Harness.WaitForEndAsync(run.Id);
        await Task.Delay(3000); // let the slow worker try to complete too

        ended.Status.Should().Be(RunStatus.Completed);
        var effects = await Harness.EffectsAsync();
        effects.Should().ContainSingle(e => e.Key == "leased").Which.Worker.Should().Be("fast");
        (await Harness.ItemsAsync(run.Id)).Single().Attempts.Should().Be(2);
    }

    [Fact]
    public async Task WorkerWhoseRenewalIsLateDoesNotReclaimTheItemItIsStillRunning()
    {
        var run = await Harness.StartRunAsync("test.effect", new EffectInput("stalled", SleepMs: 2500));
        // A one-second lease never renewed, and free slots: the expired item is claimable, but not by the worker running it.
        await Harness.StartWorkerAsync("stalled", new Dictionary<string, string?> { ["Forge:Engine:LeaseSeconds"] = "1", ["Forge:Engine:RenewIntervalMs"] = "600000", ["Forge:Engine:Concurrency"] = "4" });

        var ended = await Harness.WaitForEndAsync(run.Id);

        ended.Status.Should().Be(RunStatus.Completed, ended.Error);
        (await Harness.EffectsAsync()).Should().ContainSingle(e => e.Key == "stalled").Which.Attempt.Should().Be(1);
        (await Harness.ItemsAsync(run.Id)).Single().Attempts.Should().Be(1, "a stall is not a worker death");
    }

    [Fact]
    public async Task StoppingAWorkerGivesItsItemsBackWithoutUsingAnAttempt()
    {
        var worker = await Harness.StartWorkerAsync("w1");
        var run = await Harness.StartRunAsync("test.effect", new EffectInput("given-back", SleepMs: 60_000));
        await Harness.WaitUntilAsync(async () => (await Harness.ItemsAsync(run.Id)).Single().Status == WorkItemStatus.Running, TimeSpan.FromSeconds(10), "the claim");

        await worker.StopAsync();

        var item = (await Harness.ItemsAsync(run.Id)).Single();
        item.Status.Should().Be(WorkItemStatus.Pending);
        item.Attempts.Should().Be(0);
        item.LeaseOwner.Should().BeNull();
    }
}

public sealed class SqliteEngineTests() : EngineConformance(DatabaseProvider.Sqlite);

public sealed class PostgresEngineTests() : EngineConformance(DatabaseProvider.Postgres);
