using System.Diagnostics;
using System.Globalization;
using Forge.Functions.Datasets;
using Forge.Functions.Documents;
using Forge.Functions.Exports;
using Forge.Functions.TrainingJobs;
using Forge.Shared;
using Forge.Shared.Data;
using Forge.Shared.Durable;
using Forge.Shared.Exports;
using Forge.Shared.Storage;
using Forge.Shared.Training;
using Forge.Tests.Infrastructure;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Forge.Bench;

/// <summary>
/// Many concurrent training jobs on the <c>local</c> provider, each a shell script printing ten metric lines: the real
/// TrainingLifecycle (validate, submit, durable-timer polls) on the Durable Task Framework over Azurite, in-process.
/// Reports time to all <c>completed</c>, polls per second against N / poll interval, how late polls come after their
/// interval, and this process's memory, at a small N and the full N.
/// </summary>
public static class TrainingBenchmark
{
    private const int BaselineJobs = 20;

    private const string Script = """
        #!/bin/sh
        i=1
        while [ $i -le 10 ]; do
          echo "{\"event\":\"metrics\",\"step\":$i,\"epoch\":1,\"loss\":0.$((100 - i * 5)),\"progress\":$(( i * 10 ))e-2}"
          sleep "$STEP_SECONDS"
          i=$((i + 1))
        done
        echo "{\"event\":\"completed\",\"model\":\"bench-$FORGE_JOB_NAME\"}"
        """;

    private sealed record Sample(double RssMb, double HeapMb, int Processes, int Groups);

    private sealed record Round(int Jobs, double PeakRssMb, double PollsPerJobSecond);

    public static async Task<int> RunAsync(int jobs, int pollMs, double stepSeconds, IEnumerable<string> providers, IDictionary<string, string?> settings)
    {
        Console.WriteLine($"training benchmark: {Math.Min(BaselineJobs, jobs)} then {jobs} concurrent jobs on the local provider, script of 10 steps x {stepSeconds} s, " +
            $"Forge:Training:PollIntervalMs {pollMs}, {Environment.ProcessorCount} cores, {BenchHost.LoadAverage()}");
        var failed = false;
        foreach (var provider in providers.Select(p => p.Trim()))
        {
            failed |= !await RunProviderAsync(provider.StartsWith("p", StringComparison.OrdinalIgnoreCase) ? "postgres" : "sqlite", jobs, pollMs, stepSeconds, settings);
        }
        return failed ? 1 : 0;
    }

    private static async Task<bool> RunProviderAsync(string database, int jobs, int pollMs, double stepSeconds, IDictionary<string, string?> extra)
    {
        var root = BenchHost.NewDataPath("training");
        var workDir = Path.Combine(root, "jobs");
        var script = Path.Combine(root, "train.sh");
        await File.WriteAllTextAsync(script, Script.Replace("\r\n", "\n") + "\n");
        var settings = new Dictionary<string, string?>
        {
            ["Forge:Database"] = database,
            ["Forge:DataPath"] = root,
            ["Forge:Role"] = "worker",
            ["Forge:Training:PollIntervalMs"] = $"{pollMs}",
            ["Forge:Training:Local:Command"] = $"env STEP_SECONDS={stepSeconds.ToString(CultureInfo.InvariantCulture)} sh {script}",
            ["Forge:Training:Local:WorkDirectory"] = workDir,
            ["AzureWebJobsStorage"] = (await AzuriteServer.StartedAsync()).ConnectionString,
            ["Forge:Extensions:DurableTask:HubName"] = $"bench{Guid.NewGuid():N}"[..20],
        };
        if (database == "postgres")
        {
            settings["ConnectionStrings:Forge"] = await PostgresServer.CreateDatabaseAsync("forge_training");
        }
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        var processes = new TrainingProcesses(workDir);
        var polls = new TrainingPollLog();
        var ok = true;
        try
        {
            using var host = await StartHostAsync(settings, polls);
            var (datasetId, exportId, modelId) = await SeedAsync(host);
            var rounds = new List<Round>();
            foreach (var n in new[] { Math.Min(BaselineJobs, jobs), jobs })
            {
                var round = await RunRoundAsync(host, $"[{database}] {n,3} jobs:", n, datasetId, exportId, modelId, processes, polls, pollMs, stepSeconds);
                ok &= round is not null;
                rounds.Add(round ?? new Round(n, double.NaN, double.NaN));
            }
            var (small, large) = (rounds[0], rounds[1]);
            Console.WriteLine($"[{database}] flat? peak RSS {large.Jobs} / {small.Jobs} jobs = {large.PeakRssMb / small.PeakRssMb:F2}; " +
                $"polls/s per running job {small.PollsPerJobSecond:F3} ({small.Jobs}) vs {large.PollsPerJobSecond:F3} ({large.Jobs}), expected <= {1000.0 / pollMs:F3}");
            await host.StopAsync();
        }
        finally
        {
            var killed = await processes.EndAsync(TimeSpan.FromSeconds(10 * stepSeconds + 15));
            Console.WriteLine($"[{database}] training processes left at the end: {killed} groups killed, {processes.Alive().Processes} alive");
            Console.WriteLine();
            BenchHost.DeleteDataPath(root);
        }
        return ok;
    }

    /// <summary>As Forge.Functions' Program.cs registers a worker, training included; the local provider's status reads are logged.</summary>
    private static async Task<IHost> StartHostAsync(Dictionary<string, string?> settings, TrainingPollLog polls)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = settings["Forge:DataPath"] });
        builder.Configuration.AddInMemoryCollection(settings);
        // The export it seeds runs on the Durable Task backend.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = (await AzuriteServer.StartedAsync()).ConnectionString,
            ["Forge:Extensions:DurableTask:HubName"] = $"bench{Guid.NewGuid():N}"[..24],
        });
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddForgeData(builder.Configuration);
        builder.Services.AddForgeStorage(builder.Configuration);
        builder.Services.AddForgeDurable(builder.Configuration);
        builder.Services.AddDocuments(ForgeRole.FromConfiguration(builder.Configuration));
        builder.Services.AddDatasets(builder.Configuration);
        builder.Services.AddTraining(builder.Configuration);
        polls.Wrap(builder.Services, "local");
        var host = builder.Build();
        await host.Services.MigrateForgeDatabaseAsync();
        await host.StartAsync();
        return host;
    }

    /// <summary>A dataset of 20 approved items, exported (jsonl/chat) through the real export run, and one model.</summary>
    private static async Task<(Guid Dataset, Guid Export, Guid Model)> SeedAsync(IHost host)
    {
        var now = DateTime.UtcNow;
        var (datasetId, modelId) = await BenchHost.WithDbAsync(host, async db =>
        {
            var domain = BenchData.AddDomain(db, "training", segments: 4, now);
            var dataset = BenchData.AddDataset(db, domain, "training", "openai", 5, now);
            dataset.Status = DatasetStatus.Ready;
            db.DatasetItems.AddRange(Enumerable.Range(0, 20).Select(i => BenchData.Item(dataset, domain, i, now)));
            var model = new TrainingModel { Id = Guid.CreateVersion7(), Name = "bench-local", BaseModel = "Qwen/Qwen2.5-0.5B-Instruct", Provider = "local", CreatedAt = now, UpdatedAt = now };
            db.Models.Add(model);
            await db.SaveChangesAsync();
            return (dataset.Id, model.Id);
        });
        Guid exportId;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var services = scope.ServiceProvider;
            var db = services.GetRequiredService<ForgeDbContext>();
            await using var tx = await db.Database.BeginTransactionAsync();
            var export = await DatasetExporting.CreateAsync(db, await db.Datasets.FirstAsync(d => d.Id == datasetId),
                new ExportSettings(ExportFormats.Jsonl, ExportSchemas.Chat, ApprovedOnly: true, MinQualityScore: null), ExportTrigger.Request,
                services.GetRequiredService<TimeProvider>(), CancellationToken.None);
            await db.SaveChangesAsync();
            await tx.CommitAsync();
            exportId = export.Id;
            await DatasetExporting.ScheduleAsync(services.GetRequiredService<DurableTaskClient>(), export, CancellationToken.None);
        }
        var done = await Poll.UntilAsync(() => BenchHost.WithDbAsync(host, db => db.DatasetExports.AsNoTracking().FirstAsync(e => e.Id == exportId)),
            e => e.Status is ExportStatus.Completed or ExportStatus.Failed, "the export");
        return done.Status == ExportStatus.Completed ? (datasetId, exportId, modelId) : throw new InvalidOperationException($"Export failed: {done.Error}");
    }

    /// <returns>The round's figures, or null when a job did not complete.</returns>
    private static async Task<Round?> RunRoundAsync(IHost host, string tag, int n, Guid datasetId, Guid exportId, Guid modelId,
        TrainingProcesses processes, TrainingPollLog pollLog, int pollMs, double stepSeconds)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = Measure(processes);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        using var stop = new CancellationTokenSource();
        var sampling = SampleAsync(processes, stop.Token);
        // As TrainingJobsApi.CreateTrainingJob does, all N in one transaction.
        var created = DateTime.UtcNow;
        var rows = Enumerable.Range(0, n).Select(_ => new TrainingJob
        {
            Id = Guid.CreateVersion7(), ModelId = modelId, DatasetId = datasetId, DatasetExportId = exportId, Provider = "local", CreatedAt = created, UpdatedAt = created,
        }).ToList();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ForgeDbContext>();
            db.TrainingJobs.AddRange(rows);
            await db.SaveChangesAsync();
            var client = scope.ServiceProvider.GetRequiredService<DurableTaskClient>();
            var options = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<TrainingOptions>>().Value;
            foreach (var job in rows)
            {
                await client.StartOnceAsync(new TaskName(TrainingLifecycle.Orchestrator), TrainingLifecycle.InstanceId(job.Id), TrainingReconciler.Start(job.Id, options));
            }
        }
        var startsScheduled = DateTime.UtcNow;
        var jobIds = rows.Select(j => j.Id).ToList();

        var jobs = await Poll.UntilAsync(
            () => BenchHost.WithDbAsync(host, db => db.TrainingJobs.AsNoTracking().Where(j => jobIds.Contains(j.Id))
                .Select(j => new { j.Id, j.Status, j.ErrorMessage, j.CreatedAt, j.StartedAt, j.CompletedAt, j.ExternalJobId }).ToListAsync()),
            js => js.All(j => TrainingJobStatus.IsTerminal(j.Status)), $"{n} training jobs to end", TimeSpan.FromMinutes(15));
        var end = Measure(processes);
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        await stop.CancelAsync();
        var samples = await sampling;
        var externalIds = jobs.Select(j => j.ExternalJobId).OfType<string>().ToHashSet();
        var work = pollLog.Of(externalIds);

        var byStatus = string.Join(", ", jobs.GroupBy(j => j.Status).Select(g => $"{g.Count()} {g.Key}"));
        var allDone = jobs.Max(j => j.CompletedAt!.Value);
        var durations = jobs.Select(j => (j.CompletedAt!.Value - j.CreatedAt).TotalSeconds).Order().ToList();
        var submitted = jobs.Where(j => j.StartedAt is not null).Select(j => (j.StartedAt!.Value - j.CreatedAt).TotalSeconds).Order().ToList();
        Console.WriteLine($"{tag} {byStatus}; all ended {(allDone - created).TotalSeconds:F2} s after creation (one job alone: ~{10 * stepSeconds:F1} s of script + up to {pollMs / 1000.0:F1} s to the next poll); " +
            $"per job p50 {Pct(durations, 0.5):F2} s, max {durations[^1]:F2} s; running (submitted) after p50 {Pct(submitted, 0.5):F2} s, max {Pct(submitted, 1):F2} s");
        foreach (var failure in jobs.Where(j => j.Status != TrainingJobStatus.Completed).Take(3))
        {
            Console.WriteLine($"{tag}   {failure.Status}: {failure.ErrorMessage}");
        }
        if (jobs.Any(j => j.Status != TrainingJobStatus.Completed))
        {
            return null;
        }

        var polls = work.Select(w => w.At).ToList();
        var perJobSecond = polls.Count / jobs.Sum(j => (j.CompletedAt!.Value - j.StartedAt!.Value).TotalSeconds);
        // While every job is running: from the last submit to the first end.
        var (from, to) = (jobs.Max(j => j.StartedAt!.Value), jobs.Min(j => j.CompletedAt!.Value));
        var steady = polls.Count(p => p >= from && p <= to) / Math.Max(0.001, (to - from).TotalSeconds);
        var peakSecond = polls.GroupBy(p => (long)(p - created).TotalSeconds).Max(g => g.Count());
        // A poll's lateness: the gap since the same job's previous poll, beyond the interval (timers round it up to whole seconds).
        var interval = TrainingOrchestrator.WholeSeconds(pollMs) * 1000.0;
        var late = work.GroupBy(w => w.ExternalJobId).SelectMany(g => g.Select(w => w.At).Order().Zip(g.Select(w => w.At).Order().Skip(1), (a, b) => (b - a).TotalMilliseconds - interval))
            .Order().ToList();
        var activities = polls.Count + 2 * n;
        var span = (allDone - created).TotalSeconds;
        Console.WriteLine($"{tag} durable: {activities} activities ({n} validate, {n} submit, {polls.Count} polls = {polls.Count / (double)n:F1} per job), starts scheduled in {(startsScheduled - created).TotalSeconds:F2} s, " +
            $"= {activities / span:F0} activities/s over {span:F1} s; CPU {cpu.TotalSeconds:F1} s = {cpu.TotalMilliseconds / activities:F1} ms per activity, {cpu.TotalSeconds / span / Environment.ProcessorCount:P0} of the machine");
        Console.WriteLine($"{tag} polls: {steady:F1}/s while all {n} ran ({(to - from).TotalSeconds:F1} s window), busiest second {peakSecond}; expected N / interval = {n * 1000.0 / interval:F0}/s; " +
            $"per running job {perJobSecond:F3}/s (expected <= {1000.0 / interval:F3}); gap beyond the {interval / 1000:F0} s interval p50 {Pct(late, 0.5):F0} ms, p99 {Pct(late, 0.99):F0} ms, max {(late.Count > 0 ? late[^1] : double.NaN):F0} ms");

        var peak = samples.Count > 0 ? samples.MaxBy(s => s.RssMb)! : end;
        Console.WriteLine($"{tag} memory: RSS baseline {before.RssMb:F0} MB, peak {peak.RssMb:F0} MB (+{peak.RssMb - before.RssMb:F0}), end {end.RssMb:F0} MB; " +
            $"managed heap baseline {before.HeapMb:F0} MB, peak {samples.Append(end).Max(s => s.HeapMb):F0} MB, end {end.HeapMb:F0} MB; " +
            $"training processes at the RSS peak {peak.Processes} in {peak.Groups} jobs, most {samples.Append(end).Max(s => s.Processes)} in {samples.Append(end).Max(s => s.Groups)} jobs ({samples.Count} samples)");
        return new Round(n, peak.RssMb, perJobSecond);
    }

    private static async Task<List<Sample>> SampleAsync(TrainingProcesses processes, CancellationToken stop)
    {
        var samples = new List<Sample>();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            do
            {
                samples.Add(Measure(processes));
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException)
        {
        }
        return samples;
    }

    private static Sample Measure(TrainingProcesses processes)
    {
        var (alive, groups) = processes.Alive();
        return new Sample(BenchHost.ProcStatusMb("VmRSS"), GC.GetTotalMemory(false) / 1048576.0, alive, groups.Count);
    }

    private static double Pct(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * p))];
}
