using System.Net;
using System.Net.Http.Json;
using Forge.Functions.Datasets;
using Forge.Functions.Exports;
using Forge.Shared.Data;
using Forge.Shared.Durable;
using Forge.Tests.Infrastructure;
using Microsoft.DurableTask.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Tests.Datasets;

/// <summary>
/// Starts of generations and exports on the Durable Task backend: one run per deterministic instance id, a new one
/// per generation, and a start recorded on its row but never scheduled (the process died in between) made by the
/// reconciler. The host's own reconciler loop is off, so the test's call is the one that finds it.
/// </summary>
public abstract class GenerationStartsContract(ForgeApiFactory factory)
{
    private readonly HttpClient client = factory.CreateAuthenticatedClient();

    private DurableTaskClient Durable => factory.Services.GetRequiredService<DurableTaskClient>();

    private Task<T> Db<T>(Func<ForgeDbContext, Task<T>> query) => factory.WithScopeAsync(sp => query(sp.GetRequiredService<ForgeDbContext>()));

    private Task<int> ReconcileAsync() =>
        factory.WithScopeAsync(sp => sp.GetRequiredService<DurableReconciliation>().RunOnceAsync(CancellationToken.None));

    [Fact]
    public async Task ADoubleGenerateStartsOneRunAndAGenerateAfterItEndedStartsANewOne()
    {
        var scenario = await new DatasetScenario(client).WithProcessedDocumentAsync();
        var datasetId = await scenario.CreateDatasetAsync();

        var both = await Task.WhenAll(
            client.PostAsJsonAsync("/api/v1/datasets/generate", new { dataset_id = datasetId }),
            client.PostAsJsonAsync("/api/v1/datasets/generate", new { dataset_id = datasetId }));
        var first = await scenario.WaitForGenerationAsync(datasetId);
        // The dataset is ready before its orchestration has returned.
        var firstRun = await Durable.WaitForInstanceCompletionAsync(SyntheticGeneration.InstanceId(datasetId, 1));
        var noSecondRun = await Durable.GetInstanceAsync(SyntheticGeneration.InstanceId(datasetId, 2));
        var again = await scenario.GenerateAsync(datasetId);
        var secondRun = await Durable.WaitForInstanceCompletionAsync(SyntheticGeneration.InstanceId(datasetId, 2));

        both.Select(r => r.StatusCode).Should().BeEquivalentTo([HttpStatusCode.Accepted, HttpStatusCode.Conflict]);
        first.GetProperty("status").GetString().Should().Be("ready");
        firstRun.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed);
        noSecondRun.Should().BeNull("the refused request scheduled nothing");
        secondRun.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed);
        again.GetProperty("generation").GetProperty("run_id").GetGuid().Should().NotBe(first.GetProperty("generation").GetProperty("run_id").GetGuid());
        again.GetProperty("total_items").GetInt32().Should().Be(first.GetProperty("total_items").GetInt32(), "the second run found every key made");
    }

    [Fact]
    public async Task AGenerationRecordedButNeverScheduledIsStartedByTheReconcilerAndCompletes()
    {
        var scenario = await new DatasetScenario(client).WithProcessedDocumentAsync();
        var datasetId = await scenario.CreateDatasetAsync();
        var startedAt = DateTime.UtcNow.AddMinutes(-1);
        var asked = new GenerationRequestRecord([scenario.SegmentIds[0], scenario.SegmentIds[1]], 10, 1, 2).ToJson();
        // What Generate commits before it schedules, as if the process died between the two.
        await Db(db => db.Datasets.Where(d => d.Id == datasetId).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, DatasetStatus.Generating)
            .SetProperty(d => d.GenerationNumber, 1)
            .SetProperty(d => d.GenerationRunId, Guid.CreateVersion7())
            .SetProperty(d => d.GenerationRequest, asked)
            .SetProperty(d => d.GenerationStartedAt, startedAt)));
        (await Durable.GetInstanceAsync(SyntheticGeneration.InstanceId(datasetId, 1))).Should().BeNull();

        var started = await ReconcileAsync();
        var dataset = await scenario.WaitForGenerationAsync(datasetId);
        var startedAgain = await ReconcileAsync();

        started.Should().BeGreaterThanOrEqualTo(1);
        dataset.GetProperty("status").GetString().Should().Be("ready", dataset.GetRawText());
        dataset.GetProperty("total_items").GetInt32().Should().Be(2, "the recorded request's two segments");
        dataset.GetProperty("generation").GetProperty("items_created").GetInt32().Should().Be(2);
        startedAgain.Should().Be(0, "nothing is left in progress");
    }

    [Fact]
    public async Task AnExportRecordedButNeverScheduledIsStartedByTheReconcilerAndCompletes()
    {
        var scenario = await new DatasetScenario(client).WithProcessedDocumentAsync();
        var datasetId = await scenario.CreateDatasetAsync();
        await scenario.GenerateAsync(datasetId);
        var exportId = await Db(async db =>
        {
            var dataset = await db.Datasets.FirstAsync(d => d.Id == datasetId);
            await using var tx = await db.Database.BeginTransactionAsync();
            var export = await DatasetExporting.CreateAsync(db, dataset, new ExportSettings("jsonl", "chat", ApprovedOnly: false, MinQualityScore: null),
                ExportTrigger.Request, new BackdatedClock(TimeSpan.FromMinutes(1)), CancellationToken.None);
            await db.SaveChangesAsync();
            await tx.CommitAsync();
            return export.Id;
        });

        var started = await ReconcileAsync();
        var exports = await Poll.UntilAsync(async () => await DatasetScenario.Expect(await client.GetAsync($"/api/v1/datasets/{datasetId}/exports"), HttpStatusCode.OK),
            e => e.GetArrayLength() == 1 && e[0].GetProperty("status").GetString() is "completed" or "failed", "the reconciled export");

        started.Should().BeGreaterThanOrEqualTo(1);
        exports[0].GetProperty("id").GetGuid().Should().Be(exportId);
        exports[0].GetProperty("status").GetString().Should().Be("completed", exports.GetRawText());
        exports[0].GetProperty("item_count").GetInt32().Should().Be(scenario.SegmentIds.Count);
    }

    /// <summary>A clock a fixed time behind: the row looks as old as one the reconciler's grace period has passed.</summary>
    private sealed class BackdatedClock(TimeSpan behind) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() - behind;
    }
}

public sealed class NoReconcileLoopForgeApiFactory : ForgeApiFactory
{
    public NoReconcileLoopForgeApiFactory() => WithSetting("Forge:Durable:Reconcile:IntervalSeconds", "0");
}

public sealed class NoReconcileLoopPostgresForgeApiFactory : PostgresForgeApiFactory
{
    public NoReconcileLoopPostgresForgeApiFactory() => WithSetting("Forge:Durable:Reconcile:IntervalSeconds", "0");
}

public sealed class SqliteGenerationStartsTests(NoReconcileLoopForgeApiFactory factory)
    : GenerationStartsContract(factory), IClassFixture<NoReconcileLoopForgeApiFactory>;

public sealed class PostgresGenerationStartsTests(NoReconcileLoopPostgresForgeApiFactory factory)
    : GenerationStartsContract(factory), IClassFixture<NoReconcileLoopPostgresForgeApiFactory>;
