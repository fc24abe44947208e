using System.Collections.Concurrent;
using System.Diagnostics;
using Forge.Functions.Datasets;
using Forge.Shared.Data;
using Forge.Tests.Infrastructure;
using Microsoft.DurableTask.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Forge.Bench;

/// <summary>
/// Items per second of Forge's synthetic generation (the SyntheticGeneration orchestration: plan, batches fanned out
/// in a sliding window, finish; a Durable Task worker in-process on the bench's Azurite, SQLite)
/// against the fake OpenAI server answering every call after a fixed latency, beside the limit that latency and the
/// process-wide model-call throttle set: MaxConcurrency / latency.
/// </summary>
public static class GenerationBenchmark
{
    public const double RatioTarget = 0.9;
    private const int ItemsPerSegment = 10;
    private const int DefaultMaxConcurrency = 16;

    /// <param name="settings">More host settings (<c>--Forge:Extensions:DurableTask:MaxConcurrentActivityFunctions=32</c> ...), to see what moves the figure.</param>
    public static async Task<int> RunAsync(int items, int batchSize, int latencyMs, IDictionary<string, string?> settings)
    {
        var latency = TimeSpan.FromMilliseconds(latencyMs);
        var maxConcurrency = settings.TryGetValue("Forge:Generation:MaxConcurrency", out var configured) ? int.Parse(configured!) : DefaultMaxConcurrency;
        var limit = maxConcurrency / latency.TotalSeconds;
        Console.WriteLine($"generation benchmark: {items} items ({items / ItemsPerSegment} segments x {ItemsPerSegment}, batch_size {batchSize}), " +
            $"fake OpenAI latency {latency.TotalMilliseconds:F0} ms, Forge:Generation:MaxConcurrency {maxConcurrency}, {Environment.ProcessorCount} cores, {BenchHost.LoadAverage()}");
        await using var fake = await FakeOpenAiServer.StartAsync();
        fake.Latency = latency;
        // Content is asked for when the reply is about to be written: after the latency, so it marks each call's end.
        var replies = new ConcurrentQueue<DateTime>();
        fake.Default = new FakeChatReply { Content = request => { replies.Enqueue(DateTime.UtcNow); return DistinctItem(request); } };

        var dataPath = BenchHost.NewDataPath("generation");
        try
        {
            using var host = await BenchHost.StartAsync(dataPath, "worker", new Dictionary<string, string?>(settings)
            {
                ["Forge:Ai:Providers:openai:ApiKey"] = "sk-bench",
                ["Forge:Ai:Providers:openai:BaseUrl"] = fake.BaseUrl.ToString(),
                ["Forge:Generation:MaxConcurrency"] = $"{maxConcurrency}",
            });
            var (warmUp, bench) = await BenchHost.WithDbAsync(host, async db =>
            {
                var now = DateTime.UtcNow;
                // Eight items in one batch: JIT of the whole path, yet fewer calls at once than the measured run makes.
                var warmUp = BenchData.AddDataset(db, BenchData.AddDomain(db, "warm-up", 1, now), "warm-up", "openai", 8, now);
                var bench = BenchData.AddDataset(db, BenchData.AddDomain(db, "generation", (items + ItemsPerSegment - 1) / ItemsPerSegment, now), "bench", "openai", ItemsPerSegment, now);
                await db.SaveChangesAsync();
                return (warmUp.Id, bench.Id);
            });
            await GenerateAsync(host, warmUp, 8, batchSize);
            replies.Clear();
            var requestsBefore = fake.Requests.Count;

            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            using var sampling = new CancellationTokenSource();
            var occupancy = ThrottleOccupancyAsync(host.Services.GetRequiredService<GenerationThrottle>(), sampling.Token);
            var started = DateTime.UtcNow;
            var dataset = await GenerateAsync(host, bench, items, batchSize);
            var seconds = (DateTime.UtcNow - started).TotalSeconds;
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            await sampling.CancelAsync();
            var inThrottle = await occupancy;
            var made = await BenchHost.WithDbAsync(host, db => db.DatasetItems.CountAsync(i => i.DatasetId == bench));
            var skipped = await BenchHost.WithDbAsync(host, db => db.DatasetItemSkips.CountAsync(s => s.DatasetId == bench));
            var requests = fake.Requests.Count - requestsBefore;

            var rate = made / seconds;
            Console.WriteLine($"theoretical limit: {maxConcurrency} calls in flight / {latency.TotalSeconds:F1} s = {limit:F0} items/s ({items / limit:F2} s for {items} items)");
            Console.WriteLine($"Forge generation: {made} items ({skipped} skipped) in {seconds:F2} s = {rate:F1} items/s = {rate / limit:F2}x the limit (target >= {RatioTarget}) {(rate / limit >= RatioTarget ? "ok" : "UNDER TARGET")}");
            Console.WriteLine($"fake server: {requests} requests, at most {fake.MaxConcurrentRequests} at once (throttle {maxConcurrency}); dataset '{dataset.Status}', generator {dataset.Generator}");
            Console.WriteLine($"CPU of this process (Forge and the fake server): {cpu.TotalSeconds:F2} s = {cpu.TotalMilliseconds / made:F2} ms per item, {cpu.TotalSeconds / seconds / Environment.ProcessorCount:P0} of the machine");
            var atServer = await PrintPhasesAsync(host, dataset, started, seconds, [.. replies], latency);
            if (inThrottle.Count > 0)
            {
                var busy = inThrottle.Where(n => n > 0).ToList();
                // Slots held on average over calls at the server on average: how much longer than the latency a call holds its slot.
                var held = latency.TotalMilliseconds * busy.Average() / atServer;
                Console.WriteLine($"  throttle slots taken, sampled every 5 ms while any was: mean {busy.Average():F1} of {maxConcurrency}, all {maxConcurrency} taken {busy.Count(n => n == maxConcurrency) / (double)busy.Count:P0} of the time");
                Console.WriteLine($"  => a call holds its slot ~{held:F0} ms for a {latency.TotalMilliseconds:F0} ms reply: ~{held - latency.TotalMilliseconds:F0} ms per call in the SDK, HTTP and the fake's own handling");
            }
            return rate / limit >= RatioTarget ? 0 : 1;
        }
        finally
        {
            BenchHost.DeleteDataPath(dataPath);
        }
    }

    /// <summary>Calls the API's handler (<c>POST /datasets/generate</c>) and waits for the dataset to leave <c>generating</c>.</summary>
    private static async Task<Dataset> GenerateAsync(IHost host, Guid datasetId, int maxItems, int batchSize)
    {
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var services = scope.ServiceProvider;
            await SyntheticGeneration.Generate(new GenerateRequest(datasetId, null, maxItems, batchSize),
                services.GetRequiredService<ForgeDbContext>(), services.GetRequiredService<DurableTaskClient>(),
                services.GetRequiredService<IOptions<GenerationOptions>>(), services.GetRequiredService<TimeProvider>(), CancellationToken.None);
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (true)
        {
            var dataset = await BenchHost.WithDbAsync(host, db => db.Datasets.AsNoTracking().FirstAsync(d => d.Id == datasetId));
            if (dataset.Status != DatasetStatus.Generating)
            {
                return dataset.Status == DatasetStatus.Ready && dataset.GenerationError is null
                    ? dataset
                    : throw new InvalidOperationException($"Generation ended '{dataset.Status}': {dataset.GenerationError}");
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Generation still running after 10 minutes");
            }
            await Task.Delay(10);
        }
    }

    /// <summary>Where the time went: the orchestration's start and end, when items were saved, and when the model calls ended.</summary>
    /// <returns>The model calls in flight at the server on average, while any was.</returns>
    private static async Task<double> PrintPhasesAsync(IHost host, Dataset dataset, DateTime started, double seconds, DateTime[] replies, TimeSpan latency)
    {
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        var instance = await client.GetInstanceAsync(SyntheticGeneration.InstanceId(dataset.Id, dataset.GenerationNumber));
        var saved = await BenchHost.WithDbAsync(host, db => db.DatasetItems.AsNoTracking().Where(i => i.DatasetId == dataset.Id)
            .Select(i => i.CreatedAt).ToListAsync());
        double At(DateTime? t) => ((t ?? started) - started).TotalSeconds;
        var calls = replies.Select(r => At(r)).Order().ToList();
        Console.WriteLine($"  timeline, seconds after the request: orchestration created {At(instance?.CreatedAt.UtcDateTime):F3}, last updated {At(instance?.LastUpdatedAt.UtcDateTime):F3} ({instance?.RuntimeStatus})");
        Console.WriteLine($"  items:   {saved.Count} saved, first {At(saved.Min()):F3} s, last {At(saved.Max()):F3} s; " +
            $"window {SyntheticGeneration.BatchesInFlight(host.Services.GetRequiredService<IOptions<GenerationOptions>>().Value.MaxConcurrency, dataset.GenerationRequest?["batch_size"]?.GetValue<int>() ?? 10)} batches");
        var span = calls[^1] - calls[0] + latency.TotalSeconds;
        var inFlight = calls.Count * latency.TotalSeconds / span;
        Console.WriteLine($"  model calls: first ended {calls[0]:F3} s, last ended {calls[^1]:F3} s; {calls.Count} calls x {latency.TotalSeconds:F1} s over {span:F2} s = {inFlight:F1} in flight at the server on average");
        Console.WriteLine($"  'ready' recorded {At(dataset.GenerationCompletedAt):F3} s, seen {seconds:F3} s");
        return inFlight;
    }

    /// <summary>The throttle's slots in use over time.</summary>
    private static async Task<List<int>> ThrottleOccupancyAsync(GenerationThrottle throttle, CancellationToken stop)
    {
        var samples = new List<int>();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                samples.Add(throttle.InUse);
            }
        }
        catch (OperationCanceledException)
        {
        }
        return samples;
    }

    /// <summary>
    /// The fake's default item, with an instruction and ideal response of words drawn from the prompt in a per-request
    /// order: grounded in the segment like a real answer, and no near-duplicate of another (identical answers would
    /// make the finish activity rewrite every item as a duplicate of the first).
    /// </summary>
    private static string DistinctItem(FakeChatRequest request)
    {
        var item = System.Text.Json.Nodes.JsonNode.Parse(FakeChatReply.ItemFor(request))!.AsObject();
        var words = (request.UserMessage ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var number = Interlocked.Increment(ref _replies);
        var random = new Random(number);
        string Words(int count) => string.Join(' ', Enumerable.Range(0, count).Select(_ => words[random.Next(words.Length)]));
        item["instruction"] = $"Pergunta {number}: {Words(12)}?";
        item["ideal_response"] = Words(50) + ".";
        return item.ToJsonString();
    }

    private static int _replies;

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * p))];
}
