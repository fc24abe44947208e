using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Forge.Functions.Documents;
using Forge.Shared.Data;
using Forge.Tests.Infrastructure;
using Forge.Tests.Text;
using Microsoft.DurableTask.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Tests.Domains;

/// <summary>
/// Forge worker processes SIGKILLed in the middle of document processing, on a task hub shared with an API-only
/// host in the test process (which schedules but runs nothing), on each database: another worker finishes the
/// work with nothing done twice, and a file that kills every worker reading it ends its document failed.
/// </summary>
public abstract class DocumentProcessingCrashContract(DatabaseProvider provider) : IAsyncLifetime
{
    private const int Documents = 50;
    private readonly string _hub = DurableTestEnvironment.NewHubName();
    private readonly string _fakeTools = Path.Combine(Path.GetTempPath(), "forge-tests", $"tools-{Guid.NewGuid():N}");
    private string _connectionString = "";
    private ForgeApiFactory _api = null!;

    public async Task InitializeAsync()
    {
        _api = new ForgeApiFactory().WithSetting("Forge:Role", "api");
        if (provider == DatabaseProvider.Postgres)
        {
            _connectionString = await PostgresServer.CreateDatabaseAsync("forge_docs_crash");
            _api.WithSetting("Forge:Database", "postgres").WithSetting("ConnectionStrings:Forge", _connectionString);
        }
        foreach (var (key, value) in DurableSettings())
        {
            _api.WithSetting(key, value);
        }
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        if (Directory.Exists(_fakeTools))
        {
            Directory.Delete(_fakeTools, recursive: true);
        }
    }

    /// <summary>What every host of the test shares: the hub, quick recovery from a dead worker, two attempts a step.</summary>
    private IEnumerable<(string Key, string Value)> DurableSettings() =>
    [
        ("Forge:Extensions:DurableTask:HubName", _hub),
        ("Forge:Extensions:DurableTask:StorageProvider:PartitionCount", "2"),
        ("Forge:Extensions:DurableTask:StorageProvider:MaxQueuePollingInterval", "00:00:00.500"),
        // Blob leases last 15-60 s: the shortest.
        ("Forge:Extensions:DurableTask:StorageProvider:PartitionLeaseInterval", "00:00:15"),
        ("Forge:Extensions:DurableTask:StorageProvider:WorkItemQueueVisibilityTimeout", "00:00:10"),
        ("Forge:Extensions:DurableTask:StorageProvider:ControlQueueVisibilityTimeout", "00:00:10"),
        ("Forge:Durable:Retry:MaxAttempts", "2"),
        ("Forge:Durable:Retry:FirstDelaySeconds", "1"),
    ];

    private Task<WorkerProcess> StartWorkerAsync(IReadOnlyDictionary<string, string>? environment = null, int activities = 16) =>
        WorkerProcess.StartForgeAsync([
            "--Forge:Role=worker", "--urls", "http://127.0.0.1:0", $"--Forge:DataPath={_api.DataPath}",
            provider == DatabaseProvider.Postgres ? "--Forge:Database=postgres" : "--Forge:Database=sqlite",
            $"--ConnectionStrings:Forge={_connectionString}",
            $"--Forge:Extensions:DurableTask:MaxConcurrentActivityFunctions={activities}",
            .. DurableSettings().Select(s => $"--{s.Key}={s.Value}"),
        ], environment);

    private HttpClient Client() => _api.CreateAuthenticatedClient();

    private Task<T> Db<T>(Func<ForgeDbContext, Task<T>> query) => _api.WithScopeAsync(sp => query(sp.GetRequiredService<ForgeDbContext>()));

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private async Task<Guid> DomainAsync(object config) =>
        (await Json(await Client().PostAsJsonAsync("/api/v1/domains", new { name = "Lote", slug = $"lote-{Guid.NewGuid():N}"[..20], config })))
        .GetProperty("id").GetGuid();

    private async Task<Guid> UploadAsync(Guid domain, byte[] content, string fileName)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(content), "file", fileName } };
        var response = await Client().PostAsync($"/api/v1/documents/upload?domain_id={domain}", form);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await Json(response)).GetProperty("id").GetGuid();
    }

    /// <summary>A wait that times out says what the worker logged.</summary>
    private static async Task<T> WithOutputOf<T>(WorkerProcess worker, Func<Task<T>> wait)
    {
        try
        {
            return await wait();
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; the worker logged:\n{worker.Output}", e);
        }
    }

    private static string Text(int i) =>
        $"Documento {i}: introdução.\n\nO segundo parágrafo do documento {i} fala de prazos.\n\nO terceiro parágrafo do documento {i} fala de valores.";

    [Fact]
    public async Task WorkerKilledMidBatchProcessesEachDocumentOnceWithNoSegmentTwice()
    {
        var domain = await DomainAsync(new { auto_process = true, default_segment_type = "paragraph" });
        var ids = new List<Guid>();
        int processedAtKill;
        // Two activities at a time, so the batch is still running when the worker dies.
        await using (var doomed = await StartWorkerAsync(activities: 2))
        {
            for (var i = 0; i < Documents; i++)
            {
                ids.Add(await UploadAsync(domain, Encoding.UTF8.GetBytes(Text(i)), $"doc-{i}.txt"));
            }
            await WithOutputOf(doomed, () => Poll.UntilAsync(() => Db(db => db.Documents.CountAsync(d => d.DomainId == domain && d.Status == DocumentStatus.Processed)),
                processed => processed >= 5, "the first documents to be processed", TimeSpan.FromSeconds(120)));
            await doomed.KillAsync();
        }
        processedAtKill = await Db(db => db.Documents.CountAsync(d => d.DomainId == domain && d.Status == DocumentStatus.Processed));
        processedAtKill.Should().BeLessThan(Documents, "the worker must die mid-batch for this test to mean anything");

        await using var survivor = await StartWorkerAsync();
        var documents = await WithOutputOf(survivor, () => Poll.UntilAsync(() => Db(db => db.Documents.AsNoTracking().Where(d => d.DomainId == domain).ToListAsync()),
            all => all.All(d => d.Status is DocumentStatus.Processed or DocumentStatus.Failed), "the survivor to finish the batch", TimeSpan.FromSeconds(240)));

        documents.Should().HaveCount(Documents).And.OnlyContain(d => d.Status == DocumentStatus.Processed);
        var versions = await Db(db => db.DocumentVersions.AsNoTracking().Where(v => ids.Contains(v.DocumentId)).ToListAsync());
        versions.Should().HaveCount(Documents, "one run per document").And.OnlyContain(v => v.Number == 1 && v.Status == DocumentStatus.Processed);
        var segments = await Db(db => db.Segments.AsNoTracking().Where(s => ids.Contains(s.DocumentId)).ToListAsync());
        segments.Should().HaveCount(Documents * 3);
        segments.Select(s => (s.DocumentId, s.Content)).Should().OnlyHaveUniqueItems("no segment is stored twice");
        foreach (var document in documents)
        {
            document.Metadata["segment_count"]!.GetValue<int>().Should().Be(segments.Count(s => s.DocumentId == document.Id));
        }
        var client = _api.Services.GetRequiredService<DurableTaskClient>();
        // The outcome is recorded by the run's last step, just before the run itself completes.
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        foreach (var id in ids)
        {
            (await client.WaitForInstanceCompletionAsync(DocumentProcessing.InstanceId(id, 1), bounded.Token)).RuntimeStatus
                .Should().Be(OrchestrationRuntimeStatus.Completed);
            (await client.GetInstanceAsync(DocumentProcessing.InstanceId(id, 2))).Should().BeNull("no second run of a document");
        }
    }

    [Fact]
    public async Task AFileThatKillsEveryWorkerReadingItFailsItsDocumentOnceTheRetryRulesAttemptsDied()
    {
        // A pdftotext that takes its worker down with it, as a parser crash or the OOM killer would.
        Directory.CreateDirectory(_fakeTools);
        var tool = Path.Combine(_fakeTools, "pdftotext");
        await File.WriteAllTextAsync(tool, "#!/bin/sh\nkill -9 $PPID\nsleep 5\n");
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The fake pdftotext is a shell script");
        }
        File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var environment = new Dictionary<string, string> { ["PATH"] = $"{_fakeTools}:{Environment.GetEnvironmentVariable("PATH")}" };
        var domain = await DomainAsync(new { });
        var document = await UploadAsync(domain, TestDocuments.Pdf([["Cláusula 1ª – Do Objeto", "Um contrato."]]), "contrato.pdf");
        (await Client().PostAsJsonAsync($"/api/v1/documents/{document}/process", new { segment_type = "paragraph" })).StatusCode.Should().Be(HttpStatusCode.Accepted);

        var died = 0;
        var status = DocumentStatus.Processing;
        for (var worker = 0; worker < 5 && status == DocumentStatus.Processing; worker++)
        {
            WorkerProcess? process = null;
            try
            {
                process = await StartWorkerAsync(environment);
            }
            catch (InvalidOperationException)
            {
                // It took the step and died before it said it had started.
                died++;
                continue;
            }
            await using (process)
            {
                status = (await WithOutputOf(process, () => Poll.UntilAsync(() => Db(db => db.Documents.AsNoTracking().SingleAsync(d => d.Id == document)),
                    d => process.HasExited || d.Status != DocumentStatus.Processing, "the worker to die or the document to end", TimeSpan.FromSeconds(90)))).Status;
                if (process.HasExited)
                {
                    died++;
                    status = (await Db(db => db.Documents.AsNoTracking().SingleAsync(d => d.Id == document))).Status;
                }
            }
        }

        var ended = await Db(db => db.Documents.AsNoTracking().SingleAsync(d => d.Id == document));
        ended.Status.Should().Be(DocumentStatus.Failed);
        ended.Metadata["error"]!.GetValue<string>().Should().Be(ProcessingAttempts.WorkerDied);
        died.Should().Be(2, "as many workers die as the retry rule allows attempts, then the step is not run again");
    }
}

public sealed class SqliteDocumentProcessingCrashTests() : DocumentProcessingCrashContract(DatabaseProvider.Sqlite);

public sealed class PostgresDocumentProcessingCrashTests() : DocumentProcessingCrashContract(DatabaseProvider.Postgres);
