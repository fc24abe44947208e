using System.Diagnostics;
using System.Globalization;
using Azure.Storage.Queues;
using Forge.Shared.Durable;
using Forge.Tests.Infrastructure;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Forge.Bench;

/// <summary>
/// The orchestration engine on Azurite: no-op activities fanned out and chained, on one and two workers, and the
/// time from a schedule call to the first activity, in-process and with the worker in another process. The
/// baseline, measured in the same run, is Azurite's raw queue round trip (send, receive, delete), the floor under
/// every Durable Task message; Azurite's own CPU is read from /proc.
/// </summary>
public static class DurableBenchmark
{
    public static async Task<int> RunAsync(int fanOut, int chains, int chainLength, int samples)
    {
        var azurite = await AzuriteServer.StartedAsync();
        Console.WriteLine($"Durable Task on Azurite (pid {azurite.ProcessId}); {Environment.ProcessorCount} cores, {BenchHost.LoadAverage()}");
        var baseline = await RawQueueRoundTripsPerSecondAsync(azurite.ConnectionString, 500);
        Console.WriteLine($"baseline: raw Azurite queue round trips (send+receive+delete): {baseline:F0}/s");

        foreach (var workers in new[] { 1, 2 })
        {
            var hub = NewHub();
            var hosts = new List<IHost>();
            for (var i = 0; i < workers; i++)
            {
                hosts.Add(await StartHostAsync(azurite.ConnectionString, hub, i == 0 ? "all" : "worker"));
            }
            var client = hosts[0].Services.GetRequiredService<DurableTaskClient>();
            if (workers > 1)
            {
                // A worker joining takes partitions from the first; control messages the first had fetched for a
                // moved partition wait out controlQueueVisibilityTimeout (5 min) — a stall on every scale-out that
                // is measured apart from steady throughput.
                var settle = Stopwatch.StartNew();
                await RunToEndAsync(client, "bench-fan", 100);
                await Task.Delay(TimeSpan.FromSeconds(40));
                Console.WriteLine($"{workers} workers: partitions settled ({settle.Elapsed.TotalSeconds:F0} s incl. a 100-activity warm-up)");
            }
            var (fanSeconds, fanCpu) = await MeasureAsync(azurite.ProcessId, () => RunToEndAsync(client, "bench-fan", fanOut));
            var (chainSeconds, chainCpu) = await MeasureAsync(azurite.ProcessId, async () =>
            {
                var ids = new List<string>();
                for (var i = 0; i < chains; i++)
                {
                    ids.Add(await client.ScheduleNewOrchestrationInstanceAsync("bench-chain", chainLength));
                }
                foreach (var id in ids)
                {
                    await client.WaitForInstanceCompletionAsync(id);
                }
            });
            var fanRate = fanOut / fanSeconds;
            var chainRate = chains * chainLength / chainSeconds;
            Console.WriteLine($"{workers} worker(s): fan-out {fanOut} no-ops in {fanSeconds:F1} s = {fanRate:F0} activities/s ({fanRate / baseline:F2}x baseline), Azurite CPU {fanCpu:P0} of a core");
            Console.WriteLine($"{workers} worker(s): {chains} x {chainLength} chained in {chainSeconds:F1} s = {chainRate:F0} activities/s ({chainRate / baseline:F2}x baseline), Azurite CPU {chainCpu:P0} of a core");
            foreach (var host in hosts)
            {
                await host.StopAsync();
                host.Dispose();
            }
        }

        var inProcessHub = NewHub();
        using (var all = await StartHostAsync(azurite.ConnectionString, inProcessHub, "all"))
        {
            var (p50, p99) = await StartLatencyAsync(all.Services.GetRequiredService<DurableTaskClient>(), samples);
            Console.WriteLine($"enqueue-to-start in-process: p50 {p50:F0} ms, p99 {p99:F0} ms ({samples} starts)");
            await all.StopAsync();
            var crossHub = NewHub();
            using var api = await StartHostAsync(azurite.ConnectionString, crossHub, "api");
            using var worker = StartWorkerProcess(azurite.ConnectionString, crossHub);
            // The worker process needs its partitions before the first start can be picked up.
            await RunToEndAsync(api.Services.GetRequiredService<DurableTaskClient>(), "bench-fan", 1);
            var (crossP50, crossP99) = await StartLatencyAsync(api.Services.GetRequiredService<DurableTaskClient>(), samples);
            Console.WriteLine($"enqueue-to-start across processes: p50 {crossP50:F0} ms, p99 {crossP99:F0} ms ({crossP50 / Math.Max(p50, 1):F1}x in-process p50)");
            worker.Kill(entireProcessTree: true);
            await api.StopAsync();
        }
        return 0;
    }

    /// <summary>The worker half of the cross-process measurement: <c>durable-worker --hub H</c>.</summary>
    public static async Task<int> ServeWorkerAsync(string hub)
    {
        using var host = await StartHostAsync(Environment.GetEnvironmentVariable("AzureWebJobsStorage")!, hub, "worker");
        Console.WriteLine("worker-ready");
        await host.WaitForShutdownAsync();
        return 0;
    }

    private static void Register(DurableTaskRegistry registry)
    {
        registry.AddOrchestratorFunc<int, int>("bench-fan", async (context, n) =>
            (await Task.WhenAll(Enumerable.Range(0, n).Select(i => context.CallActivityAsync<int>("bench-noop", i)))).Length);
        registry.AddOrchestratorFunc<int, int>("bench-chain", async (context, n) =>
        {
            for (var i = 0; i < n; i++)
            {
                await context.CallActivityAsync<int>("bench-noop", i);
            }
            return n;
        });
        registry.AddOrchestratorFunc<object?, long>("bench-stamp", async (context, _) => await context.CallActivityAsync<long>("bench-now"));
        registry.AddActivityFunc<int, int>("bench-noop", (_, i) => i);
        registry.AddActivityFunc<object?, long>("bench-now", (_, _) => DateTime.UtcNow.Ticks);
    }

    private static async Task<IHost> StartHostAsync(string connection, string hub, string role)
    {
        var builder = Host.CreateApplicationBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connection,
            ["Forge:Role"] = role,
            [$"{DurableTaskHubOptions.SectionName}:HubName"] = hub,
            [$"{DurableTaskHubOptions.SectionName}:StorageProvider:MaxQueuePollingInterval"] = "00:00:01",
            ["Forge:Durable:Reconcile:IntervalSeconds"] = "0",
        });
        // DurableTask.AzureStorage warns on every message it puts back while partitions move between workers.
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("DurableTask", LogLevel.Error);
        builder.Services.AddForgeDurable(builder.Configuration);
        builder.Services.AddDurableTasks(Register);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static Process StartWorkerProcess(string connection, string hub)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true };
        start.ArgumentList.Add(typeof(DurableBenchmark).Assembly.Location);
        start.ArgumentList.Add("durable-worker");
        start.ArgumentList.Add("--hub");
        start.ArgumentList.Add(hub);
        start.Environment["AzureWebJobsStorage"] = connection;
        var process = Process.Start(start)!;
        while (process.StandardOutput.ReadLine() is { } line && line != "worker-ready")
        {
        }
        _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        return process;
    }

    private static async Task RunToEndAsync(DurableTaskClient client, string orchestrator, int input)
    {
        var id = await client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input);
        var done = await client.WaitForInstanceCompletionAsync(id);
        if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
        {
            throw new InvalidOperationException($"{orchestrator} ended {done.RuntimeStatus}: {done.FailureDetails}");
        }
    }

    private static async Task<(double P50, double P99)> StartLatencyAsync(DurableTaskClient client, int samples)
    {
        var latencies = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            var before = DateTime.UtcNow.Ticks;
            var id = await client.ScheduleNewOrchestrationInstanceAsync("bench-stamp");
            var started = (await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true)).ReadOutputAs<long>();
            latencies.Add(TimeSpan.FromTicks(started - before).TotalMilliseconds);
        }
        latencies.Sort();
        return (latencies[latencies.Count / 2], latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(latencies.Count * 0.99) - 1)]);
    }

    private static async Task<double> RawQueueRoundTripsPerSecondAsync(string connection, int messages)
    {
        var queue = new QueueServiceClient(connection).GetQueueClient($"baseline{Guid.NewGuid():N}"[..20]);
        await queue.CreateAsync();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async worker =>
        {
            for (var i = worker; i < messages; i += 8)
            {
                await queue.SendMessageAsync("x");
                var received = (await queue.ReceiveMessageAsync()).Value;
                if (received is not null)
                {
                    await queue.DeleteMessageAsync(received.MessageId, received.PopReceipt);
                }
            }
        }));
        var rate = messages / watch.Elapsed.TotalSeconds;
        await queue.DeleteAsync();
        return rate;
    }

    private static async Task<(double Seconds, double AzuriteCpuShare)> MeasureAsync(int azuritePid, Func<Task> work)
    {
        var cpuBefore = CpuSeconds(azuritePid);
        var watch = Stopwatch.StartNew();
        await work();
        var seconds = watch.Elapsed.TotalSeconds;
        return (seconds, (CpuSeconds(azuritePid) - cpuBefore) / seconds);
    }

    /// <summary>utime + stime of a process from /proc/{pid}/stat, in seconds (clock ticks are 100 Hz on Linux).</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static string NewHub() => $"bench{Guid.NewGuid():N}"[..24];
}
