using System.Net;
using System.Text.Json;
using Forge.Functions.TrainingJobs;
using Forge.Shared.Data;
using Forge.Shared.Durable;
using Forge.Tests.Datasets;
using Forge.Tests.Infrastructure;
using Microsoft.DurableTask.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Tests.Training.Durable;

/// <summary>
/// The TrainingLifecycle on the Durable Task backend (Azurite) with the <c>local</c> provider: a cancel keeps what the
/// job recorded, a job crossing ContinueAsNew keeps its events once, and the reconciler starts a job that was recorded
/// but never scheduled. Two polls per execution, so every job here continues as new; the reconciler's own loop is off
/// so the test's call is the one that starts. On each database.
/// </summary>
public abstract class DurableTrainingContract(ForgeApiFactory factory)
{
    private readonly HttpClient client = factory.CreateAuthenticatedClient();

    private async Task<List<JsonElement>> EventsAsync(Guid jobId) =>
        (await DatasetScenario.Expect(await client.GetAsync($"/api/v1/training-jobs/{jobId}/events"), HttpStatusCode.OK)).EnumerateArray().ToList();

    private static IEnumerable<string> Keys(IEnumerable<JsonElement> events) =>
        events.Select(e => $"{e.GetProperty("kind").GetString()}|{e.GetProperty("message").GetString()}|{e.GetProperty("at").GetDateTime():O}");

    private Task<T> WithAsync<T>(Func<IServiceProvider, Task<T>> action) => factory.WithScopeAsync(action);

    [Fact]
    public async Task CancellingARunningJobEndsItCancelledKeepingItsEventsAndMetrics()
    {
        var scenario = await new TrainingScenario(client).ReadyAsync();
        var jobId = (await scenario.StartJobAsync(hyperparameters: new { step_seconds = 1 })).GetProperty("id").GetGuid();
        var before = await Poll.UntilAsync(() => scenario.JobAsync(jobId),
            j => j.GetProperty("metrics").TryGetProperty("step", out var step) && step.GetInt32() >= 2, "the job to report two steps");
        var eventsBefore = await EventsAsync(jobId);

        await DatasetScenario.Expect(await client.PostAsync($"/api/v1/training-jobs/{jobId}/cancel", null), HttpStatusCode.Accepted);
        var ended = await scenario.WaitForEndAsync(jobId);

        ended.GetProperty("status").GetString().Should().Be("cancelled", ended.GetRawText());
        var step = ended.GetProperty("metrics").GetProperty("step").GetInt32();
        step.Should().BeGreaterThanOrEqualTo(before.GetProperty("metrics").GetProperty("step").GetInt32()).And.BeLessThan(10);
        var events = await EventsAsync(jobId);
        Keys(events).Should().Contain(Keys(eventsBefore), "what was recorded before the cancel is kept").And.OnlyHaveUniqueItems();
        events.Count(e => e.GetProperty("kind").GetString() == "metrics").Should().Be(step, "every metric line up to the last one is recorded once");
        events.Last().GetProperty("message").GetString().Should().Be("Job cancelled");
    }

    [Fact]
    public async Task AJobPollingAcrossContinueAsNewKeepsEveryEventOnce()
    {
        var scenario = await new TrainingScenario(client).ReadyAsync();

        var jobId = (await scenario.StartJobAsync(hyperparameters: new { step_seconds = 0.5 })).GetProperty("id").GetGuid();
        var ended = await scenario.WaitForEndAsync(jobId);

        ended.GetProperty("status").GetString().Should().Be("completed", ended.GetRawText());
        ended.GetProperty("metrics").GetProperty("step").GetInt32().Should().Be(10);
        var instance = await WithAsync(sp => sp.GetRequiredService<DurableTaskClient>().GetInstanceAsync(TrainingLifecycle.InstanceId(jobId), getInputsAndOutputs: true));
        instance!.ReadInputAs<TrainingRun>()!.Execution.Should().BeGreaterThan(0, "a five-second job polled each second continues as new after two polls");
        var events = await EventsAsync(jobId);
        Keys(events).Should().OnlyHaveUniqueItems();
        events.Count(e => e.GetProperty("kind").GetString() == "metrics").Should().Be(10);
        events.Count(e => e.GetProperty("message").GetString()!.StartsWith("Submitted to local")).Should().Be(1);
        events.Last().GetProperty("message").GetString().Should().Be("Job completed");
    }

    [Fact]
    public async Task TheReconcilerStartsAJobThatWasRecordedButNeverScheduled()
    {
        var scenario = await new TrainingScenario(client).ReadyAsync();
        var jobId = await RecordWithoutSchedulingAsync(scenario);
        (await InstanceAsync(jobId)).Should().BeNull();

        var started = await WithAsync(sp => sp.GetRequiredService<DurableReconciliation>().RunOnceAsync(CancellationToken.None));
        var ended = await scenario.WaitForEndAsync(jobId);

        started.Should().BeGreaterThanOrEqualTo(1);
        ended.GetProperty("status").GetString().Should().Be("completed", ended.GetRawText());
        ended.GetProperty("metrics").GetProperty("step").GetInt32().Should().Be(10);
        (await InstanceAsync(jobId))!.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed);
        (await WithAsync(sp => sp.GetRequiredService<DurableReconciliation>().RunOnceAsync(CancellationToken.None))).Should().Be(0, "nothing is left to start");
    }

    [Fact]
    public async Task AJobCancelledBeforeItWasSubmittedEndsCancelledWithoutReachingTheProvider()
    {
        var scenario = await new TrainingScenario(client).ReadyAsync();
        var jobId = await RecordWithoutSchedulingAsync(scenario);

        var cancelling = await DatasetScenario.Expect(await client.PostAsync($"/api/v1/training-jobs/{jobId}/cancel", null), HttpStatusCode.Accepted);
        await WithAsync(sp => sp.GetRequiredService<DurableReconciliation>().RunOnceAsync(CancellationToken.None));
        var ended = await scenario.WaitForEndAsync(jobId);

        cancelling.GetProperty("status").GetString().Should().Be("pending");
        ended.GetProperty("status").GetString().Should().Be("cancelled", ended.GetRawText());
        ended.GetProperty("external_job_id").ValueKind.Should().Be(JsonValueKind.Null, "nothing was submitted");
        ended.GetProperty("started_at").ValueKind.Should().Be(JsonValueKind.Null);
        (await EventsAsync(jobId)).Select(e => e.GetProperty("message").GetString()).Should().Equal("Job cancelled");
    }

    private Task<OrchestrationMetadata?> InstanceAsync(Guid jobId) =>
        WithAsync(sp => sp.GetRequiredService<DurableTaskClient>().GetInstanceAsync(TrainingLifecycle.InstanceId(jobId)));

    /// <summary>A job row as the endpoint commits it, from a process that died before scheduling its lifecycle (older than the grace).</summary>
    private Task<Guid> RecordWithoutSchedulingAsync(TrainingScenario scenario) => WithAsync(async sp =>
    {
        var db = sp.GetRequiredService<ForgeDbContext>();
        var at = DateTime.UtcNow.AddMinutes(-1);
        var job = new TrainingJob
        {
            Id = Guid.CreateVersion7(), ModelId = scenario.ModelId, DatasetId = scenario.DatasetId, DatasetExportId = scenario.ExportId, Provider = "local",
            Hyperparameters = new() { ["step_seconds"] = 0.05 }, CreatedAt = at, UpdatedAt = at,
        };
        db.TrainingJobs.Add(job);
        await db.SaveChangesAsync();
        return job.Id;
    });
}

public sealed class SqliteDurableTrainingFactory : ForgeApiFactory
{
    public SqliteDurableTrainingFactory() => DurableTrainingSettings.Configure(this);
}

public sealed class PostgresDurableTrainingFactory : PostgresForgeApiFactory
{
    public PostgresDurableTrainingFactory() => DurableTrainingSettings.Configure(this);
}

internal static class DurableTrainingSettings
{
    public static void Configure(ForgeApiFactory factory)
    {
        LocalTrainingScript.Configure(factory);
        factory.WithSetting("Forge:Training:PollsPerExecution", "2");
        factory.WithSetting("Forge:Durable:Reconcile:IntervalSeconds", "0");
    }
}

public sealed class SqliteDurableTrainingTests(SqliteDurableTrainingFactory factory) : DurableTrainingContract(factory), IClassFixture<SqliteDurableTrainingFactory>;

public sealed class PostgresDurableTrainingTests(PostgresDurableTrainingFactory factory) : DurableTrainingContract(factory), IClassFixture<PostgresDurableTrainingFactory>;
