using Forge.Shared.Durable;
using Forge.Shared.Data;
using Forge.Shared.Engine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Forge.Tests.Worker;

/// <summary>
/// Activities whose only effect is a row in <c>test_effects</c>, written in the completing transaction,
/// so a test can count how often each effect happened.
/// </summary>
public static class TestActivities
{
    public const string EffectsTable = "CREATE TABLE IF NOT EXISTS test_effects (effect_key TEXT NOT NULL, worker TEXT NOT NULL, attempt INTEGER NOT NULL)";

    public static IServiceCollection AddTestActivities(this IServiceCollection services) => services
        .AddActivity<EffectActivity>("test.effect")
        .AddActivity<FanOutActivity>("test.fan-out")
        .AddActivity<ChainActivity>("test.chain")
        .AddActivity<FlakyActivity>("test.flaky")
        .AddActivity<PermanentFailureActivity>("test.permanent-failure")
        .AddActivity<TimerActivity>("test.timer")
        .AddActivity<FailRunActivity>("test.fail-run")
        .AddActivity<NoOpActivity>("test.no-op")
        .AddActivity<FailFastActivity>("test.fail-fast")
        .AddRunObserver<RecordingRunObserver>();

    public static Task RecordEffectAsync(ForgeDbContext db, string key, string worker, int attempt, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"INSERT INTO test_effects (effect_key, worker, attempt) VALUES ({key}, {worker}, {attempt})", ct);
}

public sealed record EffectInput(string Key, int SleepMs = 0);

public sealed record FanOutInput(string Prefix, int Count, int SleepMs = 0);

public sealed record ChainInput(int Step, int Steps);

public sealed record FlakyInput(string Key, int FailTimes, int RetryAfterMs = 0);

public sealed record TimerInput(string Key, int DelayMs);

public sealed class EffectActivity(IOptions<EngineOptions> options) : IActivity
{
    public async Task ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var input = context.GetInput<EffectInput>();
        if (input.SleepMs > 0)
        {
            await Task.Delay(input.SleepMs, cancellationToken);
        }
        var worker = options.Value.WorkerId ?? "in-process";
        context.OnCommit((db, ct) => TestActivities.RecordEffectAsync(db, input.Key, worker, context.Attempt, ct));
    }
}

public sealed class FanOutActivity : IActivity
{
    public Task ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var input = context.GetInput<FanOutInput>();
        context.ReportProgress(0, input.Count, "fan-out");
        context.FanOut("test.effect", Enumerable.Range(0, input.Count).Select(i => new EffectInput($"{input.Prefix}-{i}", input.SleepMs)),
            then: "test.effect", thenInput: new EffectInput($"{input.Prefix}-joined"));
        return Task.CompletedTask;
    }
}

public sealed class ChainActivity : IActivity
{
    public Task ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var input = context.GetInput<ChainInput>();
        var visited = context.State["visited"]?.GetValue<string>() ?? "";
        context.State["visited"] = visited + input.Step;
        context.ReportProgress(input.Step, input.Steps, $"step-{input.Step}");
        context.OnCommit((db, ct) => TestActivities.RecordEffectAsync(db, $"chain-{context.RunId}-{input.Step}", "in-process", context.Attempt, ct));
        if (input.Step < input.Steps)
        {
            context.Schedule("test.chain", new ChainInput(input.Step + 1, input.Steps));
        }
        return Task.CompletedTask;
    }
}

public sealed class FlakyActivity : IActivity
{
    public Task ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var input = context.GetInput<FlakyInput>();
        if (context.Attempt <= input.FailTimes)
        {
            throw new RetryableActivityException($"provider said no on attempt {context.Attempt}",
                input.RetryAfterMs > 0 ? TimeSpan.FromMilliseconds(input.RetryAfterMs) : null);
        }
        context.OnCommit((db, ct) => TestActivities.RecordEffectAsync(db, input.Key, "in-process", context.Attempt, ct));
        return Task.CompletedTask;
    }
}

public sealed class PermanentFailureActivity : IActivity
{
    public Task ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        throw new PermanentActivityException("the document is encrypted");
}

public sealed class TimerActivity : IActivity
{
    public Task ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var input = context.GetInput<TimerInput>();
        context.Schedule("test.effect", new EffectInput(input.Key), TimeSpan.FromMilliseconds(input.DelayMs));
        return Task.CompletedTask;
    }
}

public sealed class FailRunActivity : IActivity
{
    public Task ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        context.Schedule("test.effect", new EffectInput("must-not-run"));
        context.FailRun("validation failed: no segments");
        return Task.CompletedTask;
    }
}

/// <summary>
/// A poison input's effect on a worker: the process dies inside the activity, as on a stack overflow, with no
/// chance to record a failure. The effect row is written first, outside the activity's transaction, so a test
/// can count the deaths.
/// </summary>
public sealed class FailFastActivity(ForgeDbContext db, IOptions<EngineOptions> options) : IActivity
{
    public async Task ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var input = context.GetInput<EffectInput>();
        await TestActivities.RecordEffectAsync(db, input.Key, options.Value.WorkerId ?? "in-process", context.Attempt, cancellationToken);
        Environment.FailFast($"test.fail-fast: poison input '{input.Key}' on attempt {context.Attempt}");
    }
}

public sealed class NoOpActivity : IActivity
{
    public Task ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Records how each run of type <c>test.observed</c> ended, in the transaction that ended it.</summary>
public sealed class RecordingRunObserver : IRunObserver
{
    public const string Type = "test.observed";

    public string RunType => Type;

    public Task OnRunEndedAsync(ForgeDbContext db, EngineRun run, CancellationToken cancellationToken) =>
        TestActivities.RecordEffectAsync(db, $"ended:{run.Id}:{run.Status}", "observer", 0, cancellationToken);
}
