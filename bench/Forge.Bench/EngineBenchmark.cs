using System.Collections.Concurrent;
using System.Diagnostics;
using Forge.Shared.Data;
using Forge.Shared.Engine;
using Forge.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ActivityContext = Forge.Shared.Engine.ActivityContext;

namespace Forge.Bench;

/// <summary>
/// No-op activities per second through the engine, one and two workers, beside the database's raw
/// single-row commit rate measured in the same run; and enqueue-to-start latency.
/// </summary>
public static class EngineBenchmark
{
    public static async Task<int> RunAsync(int items, IEnumerable<string> providers)
    {
        Console.WriteLine($"engine benchmark: {items} no-op activities per measurement, {Environment.ProcessorCount} cores");
        Console.WriteLine();
        foreach (var name in providers)
        {
            var provider = name.Trim().StartsWith("pg", StringComparison.OrdinalIgnoreCase) || name.Trim().StartsWith("postgres", StringComparison.OrdinalIgnoreCase)
                ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
            await RunProviderAsync(provider, items);
        }
        return 0;
    }

    private static async Task RunProviderAsync(DatabaseProvider provider, int items)
    {
        // Warm-up, not reported: JIT and tiered compilation of the engine's paths for this provider.
        await ThroughputAsync(provider, Math.Min(items, 1000), 1, fanOut: false);
        await ThroughputAsync(provider, Math.Min(items, 1000), 1, fanOut: true);
        var baseline = await CommitRateAsync(provider);
        Console.WriteLine($"[{provider}] baseline: raw single-row commits, one connection: {baseline,8:F0} /s");
        foreach (var workers in new[] { 1, 2 })
        {
            var (independent, cpu1) = await ThroughputAsync(provider, items, workers, fanOut: false);
            Console.WriteLine($"[{provider}] {workers} worker(s), {items} one-activity runs:  {independent,8:F0} activities/s = {independent / baseline:F2}x baseline, {independent / workers:F0}/s per worker, {cpu1:F2} ms CPU each");
            var (fanned, cpu2) = await ThroughputAsync(provider, items, workers, fanOut: true);
            Console.WriteLine($"[{provider}] {workers} worker(s), one run fanning out {items}: {fanned,8:F0} activities/s = {fanned / baseline:F2}x baseline, {fanned / workers:F0}/s per worker, {cpu2:F2} ms CPU each");
        }
        var (p50, p99) = await LatencyAsync(provider, samples: 200, fromOtherProcess: false);
        Console.WriteLine($"[{provider}] enqueue-to-start latency, enqueued in the worker's process: p50 {p50:F1} ms, p99 {p99:F1} ms (baseline single commit: {1000 / baseline:F2} ms)");
        if (provider == DatabaseProvider.Postgres)
        {
            (p50, p99) = await LatencyAsync(provider, samples: 200, fromOtherProcess: true);
            Console.WriteLine($"[{provider}] enqueue-to-start latency, enqueued by another host (LISTEN/NOTIFY): p50 {p50:F1} ms, p99 {p99:F1} ms");
        }
        Console.WriteLine();
    }

    private static async Task<double> CommitRateAsync(DatabaseProvider provider)
    {
        await using var harness = await EngineHarness.CreateAsync(provider);
        var connectionString = harness.Settings.GetValueOrDefault("ConnectionStrings:Forge")
            ?? $"Data Source={Path.Combine(harness.Settings["Forge:DataPath"]!, "forge.db")}";
        await using System.Data.Common.DbConnection connection = provider == DatabaseProvider.Postgres
            ? new NpgsqlConnection(connectionString) : new SqliteConnection(connectionString);
        await connection.OpenAsync();
        if (provider == DatabaseProvider.Sqlite)
        {
            SqlitePragmas.Apply(connection);
        }
        await Exec(connection, null, "CREATE TABLE bench_commits (id INTEGER NOT NULL, at TEXT NOT NULL)");
        var watch = Stopwatch.StartNew();
        var n = 0;
        while (watch.Elapsed < TimeSpan.FromSeconds(3))
        {
            await using var tx = await connection.BeginTransactionAsync();
            await Exec(connection, tx, $"INSERT INTO bench_commits (id, at) VALUES ({n}, '{DateTime.UtcNow:O}')");
            await tx.CommitAsync();
            n++;
        }
        return n / watch.Elapsed.TotalSeconds;
    }

    private static async Task<(double PerSecond, double CpuMs)> ThroughputAsync(DatabaseProvider provider, int items, int workers, bool fanOut)
    {
        await using var harness = await EngineHarness.CreateAsync(provider, new Dictionary<string, string?> { ["Forge:Engine:Concurrency"] = "32" }, AddBenchActivities);
        var runIds = new List<Guid>();
        await using (var scope = harness.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ForgeDbContext>();
            var engine = scope.ServiceProvider.GetRequiredService<DurableEngine>();
            if (fanOut)
            {
                runIds.Add(engine.Start("bench", null, "bench.fan-out", items).Id);
            }
            else
            {
                for (var i = 0; i < items; i++)
                {
                    runIds.Add(engine.Start("bench", null, "test.no-op").Id);
                }
            }
            await db.SaveChangesAsync();
        }
        var expected = fanOut ? items + 2 : items;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        for (var w = 0; w < workers; w++)
        {
            await harness.StartWorkerAsync($"bench-{w}");
        }
        while (await harness.WithDbAsync(db => db.EngineWorkItems.CountAsync(i => i.Status == WorkItemStatus.Completed)) < expected)
        {
            await Task.Delay(20);
        }
        var elapsed = watch.Elapsed;
        var cpuPerItem = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / expected;
        var failed = await harness.WithDbAsync(db => db.EngineRuns.CountAsync(r => r.Status != RunStatus.Completed));
        if (failed > 0)
        {
            throw new InvalidOperationException($"{failed} benchmark runs did not complete");
        }
        return (expected / elapsed.TotalSeconds, cpuPerItem);
    }

    private static async Task<(double P50, double P99)> LatencyAsync(DatabaseProvider provider, int samples, bool fromOtherProcess)
    {
        await using var harness = await EngineHarness.CreateAsync(provider, configure: AddBenchActivities);
        var worker = await harness.StartWorkerAsync("latency");
        var enqueuer = fromOtherProcess ? harness.Services : worker.Services;
        await Task.Delay(500);
        var latencies = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            EngineRun run;
            await using (var scope = enqueuer.CreateAsyncScope())
            {
                run = await scope.ServiceProvider.GetRequiredService<DurableEngine>().StartAsync("bench", null, "bench.mark-start", started);
            }
            double ms;
            while (!MarkStartActivity.Started.TryRemove(run.Id, out ms))
            {
                await Task.Delay(1);
            }
            latencies.Add(ms);
            await Task.Delay(Random.Shared.Next(5, 25));
        }
        latencies.Sort();
        return (latencies[(int)(samples * 0.50)], latencies[Math.Min(samples - 1, (int)(samples * 0.99))]);
    }

    private static void AddBenchActivities(IServiceCollection services) => services
        .AddActivity<FanOutNoOpActivity>("bench.fan-out")
        .AddActivity<MarkStartActivity>("bench.mark-start");

    private static async Task Exec(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? tx, string sql)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}

public sealed class FanOutNoOpActivity : IActivity
{
    public Task ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        context.FanOut("test.no-op", Enumerable.Range(0, context.GetInput<int>()), then: "test.no-op");
        return Task.CompletedTask;
    }
}

/// <summary>Records how long after its enqueue it started, measured on the enqueuer's clock.</summary>
public sealed class MarkStartActivity : IActivity
{
    public static readonly ConcurrentDictionary<Guid, double> Started = new();

    public Task ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        Started[context.RunId] = Stopwatch.GetElapsedTime(context.GetInput<long>()).TotalMilliseconds;
        return Task.CompletedTask;
    }
}
