using System.Diagnostics;
using Forge.Functions.TrainingPairs;
using Forge.Shared.Data;
using Forge.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace Forge.Bench;

/// <summary>
/// Seed 000's JSONL export (<see cref="TrainingPairTransfer.WriteJsonlAsync"/>) of pairs at the limits (100 hooks and 100
/// scenes each) against a normal pair set (2 hooks, 3 scenes) with as many hook and scene rows in all, in the same run
/// and database: the ratio of time per hook/scene row says whether the export is linear in what it writes. Beside it,
/// the query it replaced (both lists joined in one query) on the same data, to show what that ratio was.
/// </summary>
public static class PairExportBenchmark
{
    public const double RatioTarget = 2.0;

    private const int HeavySize = 100;
    private const int Rounds = 5;
    private static readonly (int Hooks, int Scenes) Normal = (2, 3);

    public static async Task<int> RunAsync(int normalPairs, IEnumerable<string> providers)
    {
        var heavyPairs = Math.Max(1, normalPairs * (Normal.Hooks + Normal.Scenes) / (2 * HeavySize));
        Console.WriteLine($"training-pairs export benchmark: {normalPairs:N0} normal pairs ({Normal.Hooks} hooks + {Normal.Scenes} scenes) against {heavyPairs:N0} pairs " +
            $"of {HeavySize} hooks + {HeavySize} scenes (same script rows), {Environment.ProcessorCount} cores, {BenchHost.LoadAverage()}");
        var failed = false;
        foreach (var provider in providers.Select(p => p.Trim().StartsWith('p') ? "postgres" : "sqlite"))
        {
            var root = BenchHost.NewDataPath("pairs");
            try
            {
                var settings = new Dictionary<string, string?> { ["Forge:Database"] = provider };
                if (provider == "postgres")
                {
                    settings["ConnectionStrings:Forge"] = await PostgresServer.CreateDatabaseAsync("forge_pairs");
                }
                using var host = await BenchHost.StartAsync(root, "api", settings);
                await SeedAsync(host, "normal", normalPairs, Normal.Hooks, Normal.Scenes);
                await SeedAsync(host, "heavy", heavyPairs, HeavySize, HeavySize);

                Func<ForgeDbContext, string, Stream, Task> export = (db, user, stream) => TrainingPairTransfer.WriteJsonlAsync(db, user, stream, CancellationToken.None);
                var runs = new (string Query, string User, Func<ForgeDbContext, string, Stream, Task> Export)[]
                {
                    ("export", "normal", export), ("export", "heavy", export), ("one joined query (before)", "normal", JoinedAsync), ("one joined query (before)", "heavy", JoinedAsync),
                };
                var seconds = await MeasureAsync(host, runs.Select(r => (r.User, r.Export)).ToList());
                var rows = new Dictionary<string, double> { ["normal"] = normalPairs * (Normal.Hooks + Normal.Scenes), ["heavy"] = heavyPairs * 2.0 * HeavySize };
                var ratios = new List<double>();
                for (var i = 0; i < runs.Length; i += 2)
                {
                    var (normalRow, heavyRow) = (seconds[i].Seconds / rows["normal"] * 1e6, seconds[i + 1].Seconds / rows["heavy"] * 1e6);
                    ratios.Add(heavyRow / normalRow);
                    Console.WriteLine($"[{provider}] {runs[i].Query,-26} normal {seconds[i].Seconds * 1000,8:F1} ms ({seconds[i].Bytes / 1e6:F1} MB, {normalRow:F2} µs/row); " +
                        $"limits {seconds[i + 1].Seconds * 1000,8:F1} ms ({seconds[i + 1].Bytes / 1e6:F1} MB, {heavyRow:F2} µs/row); time per row limits / normal = {ratios[^1]:F2}");
                }
                failed |= ratios[0] > RatioTarget;
                Console.WriteLine($"[{provider}] export ratio {ratios[0]:F2} (target <= {RatioTarget}) {(ratios[0] <= RatioTarget ? "ok" : "OVER TARGET")}; " +
                    $"the joined query's {ratios[1]:F2}; normal pairs: export / joined query = {seconds[0].Seconds / seconds[2].Seconds:F2}");
                Console.WriteLine();
                await host.StopAsync();
            }
            finally
            {
                BenchHost.DeleteDataPath(root);
            }
        }
        return failed ? 1 : 0;
    }

    /// <summary>The export's query before issue 10: hooks and scenes joined in one query, hooks × scenes rows per pair.</summary>
    private static async Task JoinedAsync(ForgeDbContext db, string user, Stream stream)
    {
        await using var writer = new StreamWriter(stream, leaveOpen: true);
        var pairs = db.TrainingPairs.AsNoTracking().OwnedBy(user).Where(p => p.Status == TrainingPairStatus.Approved)
            .OrderBy(p => p.CreatedAt).ThenBy(p => p.Id).Include(p => p.HookVariants).Include(p => p.Scenes).AsSingleQuery().AsAsyncEnumerable();
        await foreach (var pair in pairs)
        {
            await writer.WriteLineAsync(TrainingPairJsonl.Line(pair));
        }
    }

    /// <summary>
    /// Each export warmed up once, then all of them in turn, <see cref="Rounds"/> times, so a change in the shared machine's
    /// load falls on every one alike; the median time of each.
    /// </summary>
    private static async Task<List<(double Seconds, long Bytes)>> MeasureAsync(IHost host, List<(string User, Func<ForgeDbContext, string, Stream, Task> Export)> runs)
    {
        async Task<(double Seconds, long Bytes)> OnceAsync(string user, Func<ForgeDbContext, string, Stream, Task> export) => await BenchHost.WithDbAsync(host, async db =>
        {
            var counter = new CountingStream();
            var watch = Stopwatch.StartNew();
            await export(db, user, counter);
            return (watch.Elapsed.TotalSeconds, counter.Length);
        });
        var bytes = new List<long>();
        foreach (var (user, export) in runs)
        {
            bytes.Add((await OnceAsync(user, export)).Bytes);
        }
        var samples = runs.Select(_ => new List<double>()).ToList();
        for (var round = 0; round < Rounds; round++)
        {
            for (var i = 0; i < runs.Count; i++)
            {
                samples[i].Add((await OnceAsync(runs[i].User, runs[i].Export)).Seconds);
            }
        }
        return samples.Select((s, i) => (s.Order().ElementAt(s.Count / 2), bytes[i])).ToList();
    }

    private static async Task SeedAsync(IHost host, string user, int pairs, int hooks, int scenes)
    {
        var watch = Stopwatch.StartNew();
        var at = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var done = 0; done < pairs;)
        {
            done = await BenchHost.WithDbAsync(host, async db =>
            {
                var batch = done;
                for (; batch < pairs && batch - done < 100; batch++)
                {
                    var pair = TrainingPairRules.NewPair($"{user}-{batch}", user, at.AddTicks(batch * 10));
                    pair.Status = TrainingPairStatus.Approved;
                    pair.SystemPrompt = "Kamu adalah penulis naskah video pendek.";
                    pair.UserPrompt = $"Buatkan naskah video 60 detik tentang: topik {batch} 🛒";
                    TrainingPairRules.AddScript(pair, Scenes(hooks, hook: true), Scenes(scenes, hook: false), user, pair.CreatedAt);
                    db.TrainingPairs.Add(pair);
                }
                await db.SaveChangesAsync();
                return batch;
            });
        }
        Console.WriteLine($"seeded {pairs:N0} {user} pairs in {watch.Elapsed.TotalSeconds:F1} s (not measured)");
    }

    private static List<ScriptSceneRequest> Scenes(int count, bool hook) => Enumerable.Range(1, count).Select(i => new ScriptSceneRequest(
        hook ? i : null, i, hook ? "Hook" : "Main Content", $"{i * 3}-{i * 3 + 3}s", $"Langkah {i}\tpenting", $"Pertama, catat kebutuhan… lalu bandingkan harga. {i}",
        "B-roll pasar", "Gunakan musik ceria 🎵", i)).ToList();

    /// <summary>Where the export writes: counts the bytes and keeps none.</summary>
    private sealed class CountingStream : Stream
    {
        private long length;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => length;
        public override long Position { get => length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => length += count;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            length += buffer.Length;
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
