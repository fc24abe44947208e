using System.Diagnostics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Shared.Exports;
using ItemText = (string Instruction, string Input, string Ideal, string Bad, string Explanation);

namespace Forge.Bench;

/// <summary>
/// Export throughput and peak memory through the real path (the engine runs WriteExportActivity over SQLite into the
/// file-system blob store), each export in its own process, at N/10 and N items; beside a plain serializer loop
/// writing the same items to a file in this process.
/// </summary>
public static class ExportBenchmark
{
    public const double PeakRatioTarget = 1.2;

    private static readonly (string Format, string Schema)[] Formats = [(ExportFormats.Jsonl, ExportSchemas.Chat), (ExportFormats.Csv, ExportSchemas.Raw)];

    public static async Task<int> RunAsync(int items)
    {
        int[] sizes = [items / 10, items];
        Console.WriteLine($"export benchmark: {string.Join(" and ", sizes.Select(s => $"{s:N0}"))} approved items of ~1 KB, SQLite + file-system blobs, {Environment.ProcessorCount} cores, {BenchHost.LoadAverage()}");
        var folders = new Dictionary<int, string>();
        try
        {
            foreach (var size in sizes)
            {
                folders[size] = BenchHost.NewDataPath("export");
                var seeded = await BenchHost.RunChildAsync("export-seed", "--items", $"{size}", "--data", folders[size]);
                Console.WriteLine($"seeded {size,7:N0} items in {BenchHost.ResultValue(seeded, "seed_seconds"):F1} s (not measured)");
            }
            Console.WriteLine();
            var failed = false;
            foreach (var (format, schema) in Formats)
            {
                var peaks = new List<double>();
                foreach (var size in sizes)
                {
                    var output = await BenchHost.RunChildAsync("export-run", "--data", folders[size], "--format", format, "--schema", schema);
                    var (seconds, bytes, peak) = (BenchHost.ResultValue(output, "seconds"), BenchHost.ResultValue(output, "bytes"), BenchHost.ResultValue(output, "peak_mb"));
                    var exported = BenchHost.ResultValue(output, "items");
                    if ((int)exported != size || BenchHost.ResultValue(output, "file_bytes") != bytes)
                    {
                        throw new InvalidOperationException($"Export of {size} items wrote {exported} items, {bytes} bytes but the blob has {BenchHost.ResultValue(output, "file_bytes")}");
                    }
                    var forge = bytes / 1e6 / seconds;
                    var (baseBytes, baseRate) = Baseline(format, schema, size, forgeWriter: false);
                    var (_, writerRate) = Baseline(format, schema, size, forgeWriter: true);
                    var rawRead = bytes / 1e6 / BenchHost.ResultValue(output, "raw_read_seconds");
                    peaks.Add(peak);
                    var tag = $"[{format}/{schema}] {size,7:N0} items:";
                    Console.WriteLine($"{tag} baseline: plain serializer, items in memory {baseRate,6:F1} MB/s ({baseBytes / 1e6:F1} MB)");
                    Console.WriteLine($"{tag} Forge export             {forge,6:F1} MB/s = {forge / baseRate:F2}x baseline ({bytes / 1e6:F1} MB in {seconds:F2} s, {size / seconds:N0} items/s); " +
                        $"peak RSS {peak:F0} MB (host before the export: {BenchHost.ResultValue(output, "rss_before_mb"):F0} MB)");
                    Console.WriteLine($"{tag}   where it goes: ExportFileWriter alone on the items in memory {writerRate:F1} MB/s; the export's query alone with a plain SqliteDataReader {rawRead:F1} MB/s");
                }
                var ratio = peaks[^1] / peaks[0];
                failed |= ratio > PeakRatioTarget;
                Console.WriteLine($"[{format}/{schema}] peak RSS {sizes[1]:N0} / {sizes[0]:N0} items: {ratio:F2} (target <= {PeakRatioTarget}) {(ratio <= PeakRatioTarget ? "ok" : "OVER TARGET")}");
                Console.WriteLine();
            }
            return failed ? 1 : 0;
        }
        finally
        {
            foreach (var folder in folders.Values)
            {
                BenchHost.DeleteDataPath(folder);
            }
        }
    }

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private sealed record Message(string Role, string Content);

    private sealed record ChatLine(Message[] Messages);

    /// <summary>
    /// The least any exporter must do: the same items, already in memory, written in the same shape by a plain
    /// <see cref="JsonSerializer"/> (jsonl) or <see cref="StreamWriter"/> (csv) loop to a file. No database, no hashes.
    /// </summary>
    /// <param name="forgeWriter">Write with Forge's <see cref="ExportFileWriter"/> instead, to see its share of the export's time.</param>
    private static (long Bytes, double MegabytesPerSecond) Baseline(string format, string schema, int size, bool forgeWriter)
    {
        var items = Enumerable.Range(0, size).Select(BenchData.ItemText).ToList();
        var path = Path.Combine(Path.GetTempPath(), $"forge-bench-baseline-{Guid.NewGuid():N}.{format}");
        void WriteAll(List<ItemText> batch)
        {
            if (forgeWriter)
            {
                WriteWithForge(path, format, schema, batch).GetAwaiter().GetResult();
            }
            else
            {
                Write(path, format, batch);
            }
        }
        try
        {
            WriteAll(items.Take(1000).ToList());
            // Repeated for at least a second: a 10 MB file alone is written too fast to time steadily.
            var (watch, rounds) = (Stopwatch.StartNew(), 0);
            do
            {
                WriteAll(items);
                rounds++;
            }
            while (watch.Elapsed < TimeSpan.FromSeconds(1));
            var bytes = new FileInfo(path).Length;
            return (bytes, bytes * rounds / 1e6 / watch.Elapsed.TotalSeconds);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task WriteWithForge(string path, string format, string schema, List<ItemText> items)
    {
        var (segment, document, template) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var flags = (JsonObject)JsonNode.Parse(Flags)!;
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
        await using var writer = ExportFileWriter.Create(file, format, schema, BenchData.SystemPrompt);
        foreach (var item in items)
        {
            await writer.WriteAsync(new ExportItem(Guid.CreateVersion7(), item.Instruction, item.Input, item.Ideal, item.Bad, item.Explanation, 0.9,
                flags, "approved", segment, document, template, "openai", "gpt-4o-mini-2024-07-18", DateTime.UtcNow), CancellationToken.None);
        }
        await writer.CompleteAsync(CancellationToken.None);
    }

    private static void Write(string path, string format, List<ItemText> items)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024);
        if (format == ExportFormats.Jsonl)
        {
            foreach (var item in items)
            {
                JsonSerializer.Serialize(file, new ChatLine([
                    new Message("system", BenchData.SystemPrompt),
                    new Message("user", item.Instruction + "\n\n" + item.Input),
                    new Message("assistant", item.Ideal)]), Json);
                file.WriteByte((byte)'\n');
            }
            return;
        }
        using var csv = new StreamWriter(file, new UTF8Encoding(false), 64 * 1024);
        csv.Write("id,instruction,input_text,ideal_response,bad_response,explanation,quality_score,quality_flags,review_status,segment_id,document_id,template_id,generator,model,created_at\r\n");
        var (segment, document, template) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var at = DateTime.UtcNow;
        foreach (var item in items)
        {
            csv.Write($"{Guid.CreateVersion7()},{Quote(item.Instruction)},{Quote(item.Input)},{Quote(item.Ideal)},{Quote(item.Bad)},{Quote(item.Explanation)},0.9,");
            csv.Write($"{Quote(Flags)},approved,{segment},{document},{template},openai,gpt-4o-mini-2024-07-18,{at:yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'}\r\n");
        }
    }

    private const string Flags = "{\"length_ok\":true,\"coherence_ok\":true,\"grounded\":true,\"grounding_score\":0.8,\"pii_detected\":false,\"pii_types\":[],\"duplicate_of\":null}";

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";
}
