using Forge.Shared.Data;
using Forge.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Tests.Datasets;

/// <summary>
/// A Forge worker process is SIGKILLed in the middle of a generation (batches in flight, some saved) and another
/// one finishes it: every planned item exists exactly once and nothing saved before the crash is lost. PostgreSQL,
/// shared by an API-only host in the test process and the worker processes; the model is the fake server, slowed down.
/// </summary>
public sealed class GenerationCrashTests : IAsyncLifetime
{
    private string connectionString = null!;
    private FakeOpenAiServer llm = null!;
    private ForgeApiFactory api = null!;

    public async Task InitializeAsync()
    {
        connectionString = await PostgresServer.CreateDatabaseAsync("forge_crash");
        llm = await FakeOpenAiServer.StartAsync();
        llm.Latency = TimeSpan.FromMilliseconds(1200);
        api = new ForgeApiFactory()
            .WithSetting("Forge:Database", "postgres")
            .WithSetting("ConnectionStrings:Forge", connectionString)
            .WithSetting("Forge:Role", "api");
    }

    public async Task DisposeAsync()
    {
        await api.DisposeAsync();
        await llm.DisposeAsync();
    }

    private Task<WorkerProcess> StartWorkerAsync(string name) => WorkerProcess.StartForgeAsync([
        "--role", "worker", "--urls", "http://127.0.0.1:0",
        "--Forge:Database=postgres", $"--ConnectionStrings:Forge={connectionString}", $"--Forge:DataPath={api.DataPath}",
        $"--Forge:Engine:WorkerId={name}", "--Forge:Engine:LeaseSeconds=2", "--Forge:Engine:Retry:InitialDelayMs=100",
        "--Forge:Ai:Providers:openai:ApiKey=sk-crash", $"--Forge:Ai:Providers:openai:BaseUrl={llm.BaseUrl}",
        "--Forge:Generation:MaxConcurrency=2",
    ]);

    private Task<T> Db<T>(Func<ForgeDbContext, Task<T>> query) => api.WithScopeAsync(sp => query(sp.GetRequiredService<ForgeDbContext>()));

    [Fact]
    public async Task WorkerKilledMidBatchNeitherLosesNorDuplicatesItems()
    {
        var client = api.CreateAuthenticatedClient();
        var scenario = new DatasetScenario(client);
        Guid datasetId;
        List<DatasetItem> savedBeforeCrash;
        await using (var doomed = await StartWorkerAsync("doomed"))
        {
            await scenario.WithProcessedDocumentAsync();
            datasetId = await scenario.CreateDatasetAsync("openai", new { items_per_segment = 4 });
            var planned = scenario.SegmentIds.Count * 4;
            var accepted = await client.PostAsync("/api/v1/datasets/generate",
                new StringContent($$"""{"dataset_id":"{{datasetId}}","batch_size":4}""", System.Text.Encoding.UTF8, "application/json"));
            accepted.StatusCode.Should().Be(System.Net.HttpStatusCode.Accepted);

            savedBeforeCrash = await Poll.UntilAsync(() => Db(db => db.DatasetItems.AsNoTracking().Where(i => i.DatasetId == datasetId).ToListAsync()),
                items => items.Count >= 4, "the first batch to be saved");
            await doomed.KillAsync();
            savedBeforeCrash.Count.Should().BeLessThan(planned, "the worker must die mid-run for this test to mean anything");
        }
        var requestsBeforeRecovery = llm.Requests.Count;

        await using var survivor = await StartWorkerAsync("survivor");
        var dataset = await scenario.WaitForGenerationAsync(datasetId);

        dataset.GetProperty("status").GetString().Should().Be("ready", dataset.GetRawText());
        var items = await Db(db => db.DatasetItems.AsNoTracking().Where(i => i.DatasetId == datasetId).ToListAsync());
        items.Should().HaveCount(scenario.SegmentIds.Count * 4);
        items.Select(i => (i.SegmentId, i.Variant)).Should().OnlyHaveUniqueItems();
        items.Select(i => i.Id).Should().Contain(savedBeforeCrash.Select(i => i.Id), "what was saved before the crash is kept, not made again");
        dataset.GetProperty("generation").GetProperty("items_created").GetInt32().Should().Be(items.Count);
        dataset.GetProperty("generation").GetProperty("items_skipped").GetInt32().Should().Be(0);
        llm.Requests.Count.Should().BeGreaterThan(requestsBeforeRecovery, "the survivor asked for the items the dead worker had in flight");
        (llm.Requests.Count - savedBeforeCrash.Count).Should().BeGreaterThanOrEqualTo(items.Count - savedBeforeCrash.Count);
    }
}
