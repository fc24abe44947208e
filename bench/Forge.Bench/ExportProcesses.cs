using System.Diagnostics;
using System.Globalization;
using Forge.Functions.Exports;
using Forge.Shared.Data;
using Microsoft.DurableTask.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Forge.Bench;

/// <summary>
/// The export benchmark's child processes, so each export's peak memory is its own process's:
/// <c>export-seed</c> fills a data folder, <c>export-run</c> exports from it through the engine and prints the figures.
/// </summary>
public static class ExportProcesses
{
    public const string BenchDataset = "bench";
    public const string WarmUpDataset = "warm-up";
    private const int WarmUpItems = 500;

    /// <summary>A domain with 100 segments, a dataset of <paramref name="items"/> approved items and a small warm-up one.</summary>
    public static async Task<int> SeedAsync(int items, string dataPath)
    {
        using var host = await BenchHost.StartAsync(dataPath, "api");
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ForgeDbContext>();
        var watch = Stopwatch.StartNew();
        var now = DateTime.UtcNow;
        var domain = BenchData.AddDomain(db, "export", segments: 100, now);
        var dataset = BenchData.AddDataset(db, domain, BenchDataset, "openai", 1, now);
        var warmUp = BenchData.AddDataset(db, domain, WarmUpDataset, "openai", 1, now);
        dataset.Status = warmUp.Status = DatasetStatus.Ready;
        await db.SaveChangesAsync();

        // One transaction, chunks of plain inserts with change detection off: seeding is not what is measured.
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var tx = await db.Database.BeginTransactionAsync();
        foreach (var (target, count) in new[] { (warmUp, WarmUpItems), (dataset, items) })
        {
            for (var start = 0; start < count; start += 2000)
            {
                db.DatasetItems.AddRange(Enumerable.Range(start, Math.Min(2000, count - start)).Select(i => BenchData.Item(target, domain, i, now)));
                await db.SaveChangesAsync();
                db.ChangeTracker.Clear();
            }
        }
        await tx.CommitAsync();
        Console.WriteLine(FormattableString.Invariant($"RESULT seed_seconds={watch.Elapsed.TotalSeconds:F1}"));
        return 0;
    }

    /// <summary>
    /// Starts the engine, exports the warm-up dataset (JIT), then the bench dataset, and prints the export's time,
    /// its file's size and this process's peak resident set.
    /// </summary>
    public static async Task<int> RunAsync(string dataPath, string format, string schema)
    {
        using var host = await BenchHost.StartAsync(dataPath, "worker");
        await ExportAsync(host, WarmUpDataset, format, schema);
        var rssBefore = BenchHost.ProcStatusMb("VmRSS");
        var watch = Stopwatch.StartNew();
        var export = await ExportAsync(host, BenchDataset, format, schema);
        var seconds = watch.Elapsed.TotalSeconds;
        var peak = BenchHost.ProcStatusMb("VmHWM");
        var rawRead = await RawReadAsync(host, export.DatasetId);
        await host.StopAsync();
        var file = Path.Combine(dataPath, "blobs", export.S3Key);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT seconds={seconds:F3} bytes={export.FileBytes} items={export.ItemCount} peak_mb={peak:F1} rss_before_mb={rssBefore:F1} file_bytes={new FileInfo(file).Length} raw_read_seconds={rawRead:F3}"));
        return 0;
    }

    /// <summary>
    /// The floor of any export from this database: the export's query (same filter and order) read with a plain
    /// SqliteDataReader, every column fetched, nothing materialized or written. After the peak was taken.
    /// </summary>
    private static async Task<double> RawReadAsync(IHost host, Guid datasetId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ForgeDbContext>();
        await using var command = db.DatasetItems.Where(i => i.DatasetId == datasetId && i.ReviewStatus == ReviewStatus.Approved)
            .OrderBy(i => i.CreatedAt).ThenBy(i => i.Id)
            .Select(i => new { i.Id, i.Instruction, i.InputText, i.IdealResponse, i.BadResponse, i.Explanation, i.QualityScore, i.QualityFlags,
                i.ReviewStatus, i.SegmentId, i.DocumentId, i.TemplateId, i.Generator, i.Model, i.CreatedAt })
            .CreateDbCommand();
        await db.Database.OpenConnectionAsync();
        var watch = Stopwatch.StartNew();
        await using var reader = await command.ExecuteReaderAsync();
        var values = new object[reader.FieldCount];
        while (await reader.ReadAsync())
        {
            reader.GetValues(values);
        }
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>As <c>POST /datasets/{id}/export</c> does: start the run in a transaction, wake the worker, wait for the row.</summary>
    private static async Task<DatasetExport> ExportAsync(IHost host, string datasetName, string format, string schema)
    {
        Guid exportId;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var services = scope.ServiceProvider;
            var db = services.GetRequiredService<ForgeDbContext>();
            var dataset = await db.Datasets.FirstAsync(d => d.Name == datasetName);
            await using var tx = await db.Database.BeginTransactionAsync();
            var export = await DatasetExporting.CreateAsync(db, dataset,
                new ExportSettings(format, schema, ApprovedOnly: true, MinQualityScore: null), ExportTrigger.Request,
                services.GetRequiredService<TimeProvider>(), CancellationToken.None);
            await db.SaveChangesAsync();
            await tx.CommitAsync();
            exportId = export.Id;
            await DatasetExporting.ScheduleAsync(services.GetRequiredService<DurableTaskClient>(), export, CancellationToken.None);
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (true)
        {
            var export = await BenchHost.WithDbAsync(host, db => db.DatasetExports.AsNoTracking().FirstAsync(e => e.Id == exportId));
            if (export.Status == ExportStatus.Completed)
            {
                return export;
            }
            if (export.Status == ExportStatus.Failed || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Export of '{datasetName}' ended '{export.Status}': {export.Error}");
            }
            await Task.Delay(10);
        }
    }
}
