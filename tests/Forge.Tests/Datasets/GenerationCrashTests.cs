using System.Net;
using System.Text;
using Forge.Shared.Data;
using Forge.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Tests.Datasets;

/// <summary>
/// Forge worker processes (src/Forge.Functions with <c>--role worker</c>) on one Durable Task hub and one PostgreSQL
/// database, beside an API-only host in the test process that schedules and runs nothing; the model is the fake
/// server, slowed down. A worker SIGKILLed mid-generation is replaced, two workers share a generation, and every
/// item exists exactly once. Leases and visibility timeouts are short so a dead worker's work moves in seconds.
/// </summary>
public sealed class GenerationCrashTests : IAsyncLifetime
{
    private const int Paragraphs = 20;
    private const int ItemsPerSegment = 15;
    private const int Planned = Paragraphs * ItemsPerSegment;

    private static readonly Dictionary<string, string> Recovery = new()
    {
        ["Forge:Extensions:DurableTask:StorageProvider:PartitionLeaseInterval"] = "00:00:15",
        ["Forge:Extensions:DurableTask:StorageProvider:WorkItemQueueVisibilityTimeout"] = "00:00:10",
        ["Forge:Extensions:DurableTask:StorageProvider:ControlQueueVisibilityTimeout"] = "00:00:10",
        ["Forge:Durable:Retry:FirstDelaySeconds"] = "1",
    };

    private readonly string hub = DurableTestEnvironment.NewHubName();
    private string connectionString = null!;
    private FakeOpenAiServer llm = null!;
    private ForgeApiFactory api = null!;

    public async Task InitializeAsync()
    {
        connectionString = await PostgresServer.CreateDatabaseAsync("forge_crash");
        llm = await FakeOpenAiServer.StartAsync();
        llm.Latency = TimeSpan.FromMilliseconds(250);
        api = new ForgeApiFactory()
            .WithSetting("Forge:Database", "postgres")
            .WithSetting("ConnectionStrings:Forge", connectionString)
            .WithSetting("Forge:Role", "api")
            .WithSetting("Forge:Extensions:DurableTask:HubName", hub);
        foreach (var (key, value) in Recovery)
        {
            api.WithSetting(key, value);
        }
    }

    public async Task DisposeAsync()
    {
        await api.DisposeAsync();
        await llm.DisposeAsync();
    }

    /// <param name="apiKey">Each worker's own key, so the fake server's log says which worker made a call.</param>
    private Task<WorkerProcess> StartWorkerAsync(string apiKey) => WorkerProcess.StartForgeAsync([
        "--role", "worker", "--urls", "http://127.0.0.1:0",
        "--Forge:Database=postgres", $"--ConnectionStrings:Forge={connectionString}", $"--Forge:DataPath={api.DataPath}",
        $"--Forge:Extensions:DurableTask:HubName={hub}",
        "--Forge:Extensions:DurableTask:StorageProvider:PartitionCount=2",
        "--Forge:Extensions:DurableTask:StorageProvider:MaxQueuePollingInterval=00:00:00.500",
        .. Recovery.Select(kv => $"--{kv.Key}={kv.Value}"),
        $"--Forge:Ai:Providers:openai:ApiKey={apiKey}", $"--Forge:Ai:Providers:openai:BaseUrl={llm.BaseUrl}",
        "--Forge:Generation:MaxConcurrency=6",
    ]);

    private Task<T> Db<T>(Func<ForgeDbContext, Task<T>> query) => api.WithScopeAsync(sp => query(sp.GetRequiredService<ForgeDbContext>()));

    private Task<List<DatasetItem>> ItemsAsync(Guid datasetId) => Db(db => db.DatasetItems.AsNoTracking().Where(i => i.DatasetId == datasetId).ToListAsync());

    /// <summary>A document of <see cref="Paragraphs"/> distinct paragraphs, processed, and a dataset of <see cref="Planned"/> items started.</summary>
    private async Task<(DatasetScenario Scenario, Guid DatasetId)> StartGenerationAsync(HttpClient client)
    {
        var text = string.Join("\n\n", Enumerable.Range(1, Paragraphs).Select(n =>
            $"Cláusula {n}. O cliente número {n} pode pedir o reembolso do pedido {n * 7} em até {n + 10} dias pelo portal, na seção {n}."));
        var scenario = await new DatasetScenario(client).WithProcessedDocumentAsync(text);
        scenario.SegmentIds.Should().HaveCount(Paragraphs);
        var datasetId = await scenario.CreateDatasetAsync("openai", new { items_per_segment = ItemsPerSegment });
        var accepted = await client.PostAsync("/api/v1/datasets/generate",
            new StringContent($$"""{"dataset_id":"{{datasetId}}","batch_size":5}""", Encoding.UTF8, "application/json"));
        accepted.StatusCode.Should().Be(HttpStatusCode.Accepted);
        return (scenario, datasetId);
    }

    /// <summary>Every planned key has exactly one item, and the dataset's counts are its items.</summary>
    private async Task<List<DatasetItem>> ExpectEveryItemOnceAsync(DatasetScenario scenario, Guid datasetId)
    {
        var dataset = await scenario.WaitForGenerationAsync(datasetId, TimeSpan.FromMinutes(3));
        dataset.GetProperty("status").GetString().Should().Be("ready", dataset.GetRawText());
        dataset.GetProperty("generation_error").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null, dataset.GetRawText());
        var items = await ItemsAsync(datasetId);
        items.Should().HaveCount(Planned);
        items.Select(i => (i.SegmentId, i.Variant)).Should().OnlyHaveUniqueItems();
        dataset.GetProperty("total_items").GetInt32().Should().Be(items.Count);
        dataset.GetProperty("pending_items").GetInt32().Should().Be(items.Count);
        var generation = dataset.GetProperty("generation");
        generation.GetProperty("planned_items").GetInt32().Should().Be(Planned);
        generation.GetProperty("items_created").GetInt32().Should().Be(items.Count);
        generation.GetProperty("items_skipped").GetInt32().Should().Be(0);
        return items;
    }

    [Fact]
    public async Task WorkerKilledMidGenerationNeitherLosesNorDuplicatesItems()
    {
        var client = api.CreateAuthenticatedClient();
        DatasetScenario scenario;
        Guid datasetId;
        List<DatasetItem> savedBeforeCrash;
        await using (var doomed = await StartWorkerAsync("sk-doomed"))
        {
            (scenario, datasetId) = await StartGenerationAsync(client);
            savedBeforeCrash = await Poll.UntilAsync(() => ItemsAsync(datasetId), items => items.Count >= 30, "the first batches to be saved");
            await doomed.KillAsync();
        }
        var afterKill = await ItemsAsync(datasetId);
        afterKill.Count.Should().BeLessThan(Planned, "the worker must die mid-run for this test to mean anything");
        var requestsBeforeRecovery = llm.Requests.Count;

        await using var survivor = await StartWorkerAsync("sk-survivor");
        var items = await ExpectEveryItemOnceAsync(scenario, datasetId);

        items.Select(i => i.Id).Should().Contain(afterKill.Select(i => i.Id), "what was saved before the crash is kept, not made again");
        llm.Requests.Skip(requestsBeforeRecovery).Should().Contain(r => r.Authorization == "Bearer sk-survivor", "the survivor made the rest");
        llm.Requests.Count(r => r.Authorization == "Bearer sk-survivor").Should().BeGreaterThanOrEqualTo(Planned - afterKill.Count);
    }

    [Fact]
    public async Task TwoWorkersShareAGenerationAndNeitherDuplicatesAnItem()
    {
        var client = api.CreateAuthenticatedClient();
        await using var one = await StartWorkerAsync("sk-one");
        await using var two = await StartWorkerAsync("sk-two");
        var requestsBefore = llm.Requests.Count;

        var (scenario, datasetId) = await StartGenerationAsync(client);
        await ExpectEveryItemOnceAsync(scenario, datasetId);

        var calls = llm.Requests.Skip(requestsBefore).ToList();
        calls.Should().Contain(r => r.Authorization == "Bearer sk-one");
        calls.Should().Contain(r => r.Authorization == "Bearer sk-two");
        // Model calls are at least once: while the second worker takes its share of the hub's partitions, an
        // orchestration step can run on both and schedule a batch twice. The items stay once, by their keys.
        calls.Count(r => r.UserMessage!.Contains("Cláusula")).Should().BeGreaterThanOrEqualTo(Planned);
    }
}
