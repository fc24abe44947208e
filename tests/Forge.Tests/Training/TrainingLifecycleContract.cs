using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forge.Tests.Datasets;
using Forge.Tests.Infrastructure;

namespace Forge.Tests.Training;

/// <summary>
/// Training jobs run end to end through the TrainingLifecycle orchestration on the <c>local</c> provider with a real
/// process: metrics move while it runs, the model follows the job, a cancel stops the process, a failure says why.
/// On each database.
/// </summary>
public abstract class TrainingLifecycleContract(ForgeApiFactory factory)
{
    private readonly HttpClient client = factory.CreateAuthenticatedClient();

    private async Task<JsonElement> ModelAsync(Guid id) => await DatasetScenario.Expect(await client.GetAsync($"/api/v1/models/{id}"), HttpStatusCode.OK);

    private async Task<List<JsonElement>> EventsAsync(Guid jobId) =>
        (await DatasetScenario.Expect(await client.GetAsync($"/api/v1/training-jobs/{jobId}/events"), HttpStatusCode.OK)).EnumerateArray().ToList();

    [Fact]
    public async Task AJobRunsToCompletionRecordingMetricsAndDeploysTheModel()
    {
        var scenario = await new TrainingScenario(client).ReadyAsync();

        var created = await scenario.StartJobAsync(hyperparameters: new { learning_rate = 2e-5, epochs = 3, batch_size = 8, step_seconds = 0.3 });
        var jobId = created.GetProperty("id").GetGuid();
        var midway = await Poll.UntilAsync(() => scenario.JobAsync(jobId),
            j => j.GetProperty("metrics").TryGetProperty("step", out var step) && step.GetInt32() is > 0 and < 10, "metrics to move while the job runs");
        var ended = await scenario.WaitForEndAsync(jobId);

        created.EnumerateObject().Select(p => p.Name).Take(14).Should().Equal("id", "model_id", "dataset_id", "dataset_export_id", "status", "provider",
            "external_job_id", "hyperparameters", "metrics", "error_message", "started_at", "completed_at", "created_at", "updated_at");
        created.GetProperty("status").GetString().Should().Be("pending");
        created.GetProperty("dataset_export_id").GetGuid().Should().Be(scenario.ExportId, "without one the newest completed export is used");
        created.GetProperty("metrics").GetRawText().Should().Be("{}");
        midway.GetProperty("status").GetString().Should().Be("running");
        ended.GetProperty("status").GetString().Should().Be("completed", ended.GetRawText());
        ended.GetProperty("external_job_id").GetString().Should().NotBeNullOrEmpty();
        ended.GetProperty("started_at").GetDateTime().Should().BeBefore(ended.GetProperty("completed_at").GetDateTime());
        var metrics = ended.GetProperty("metrics");
        metrics.GetProperty("step").GetInt32().Should().Be(10);
        metrics.GetProperty("loss").GetDouble().Should().Be(0.5);
        metrics.GetProperty("progress").GetDouble().Should().Be(1.0);
        metrics.TryGetProperty("training_time", out _).Should().BeTrue();

        var model = await ModelAsync(scenario.ModelId);
        model.GetProperty("status").GetString().Should().Be("deployed");
        model.GetProperty("config").GetProperty("fine_tuned_model").GetString().Should().NotBeNullOrEmpty();
        model.GetProperty("config").GetProperty("max_tokens").GetInt32().Should().Be(4096, "the model's own config is kept");
        var events = await EventsAsync(jobId);
        events.Select(e => e.GetProperty("at").GetDateTime()).Should().BeInAscendingOrder();
        events.Count(e => e.GetProperty("kind").GetString() == "metrics").Should().Be(10);
        events.Select(e => e.GetProperty("message").GetString()).Should().Contain(m => m!.StartsWith("Submitted to local"));
        events.Last().GetProperty("message").GetString().Should().Be("Job completed");
        (await DatasetScenario.Expect(await client.GetAsync($"/api/v1/training-jobs?model_id={scenario.ModelId}&status=completed"), HttpStatusCode.OK))
            .EnumerateArray().Select(j => j.GetProperty("id").GetGuid()).Should().Equal(jobId);
    }

    [Fact]
    public async Task CancellingAJobMidwayStopsItAndPutsTheModelBack()
    {
        var scenario = await new TrainingScenario(client).ReadyAsync();
        var jobId = (await scenario.StartJobAsync(hyperparameters: new { step_seconds = 2 })).GetProperty("id").GetGuid();
        await Poll.UntilAsync(() => scenario.JobAsync(jobId), j => j.GetProperty("metrics").TryGetProperty("step", out _), "the job to report a step");
        (await ModelAsync(scenario.ModelId)).GetProperty("status").GetString().Should().Be("training");

        var cancelling = await DatasetScenario.Expect(await client.PostAsync($"/api/v1/training-jobs/{jobId}/cancel", null), HttpStatusCode.Accepted);
        var ended = await scenario.WaitForEndAsync(jobId);

        cancelling.GetProperty("cancel_requested").GetBoolean().Should().BeTrue();
        ended.GetProperty("status").GetString().Should().Be("cancelled", ended.GetRawText());
        ended.GetProperty("metrics").GetProperty("step").GetInt32().Should().BeLessThan(10);
        (await ModelAsync(scenario.ModelId)).GetProperty("status").GetString().Should().Be("registered");
        (await client.PostAsync($"/api/v1/training-jobs/{jobId}/cancel", null)).StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task AModelStaysTrainingWhileAnyOfItsJobsRuns()
    {
        var scenario = await new TrainingScenario(client).ReadyAsync();
        var slow = (await scenario.StartJobAsync(hyperparameters: new { step_seconds = 0.8 })).GetProperty("id").GetGuid();
        await Poll.UntilAsync(() => scenario.JobAsync(slow), j => j.GetProperty("status").GetString() == "running", "the slow job to run");

        var fast = (await scenario.StartJobAsync(hyperparameters: new { step_seconds = 0.01 })).GetProperty("id").GetGuid();
        (await scenario.WaitForEndAsync(fast)).GetProperty("status").GetString().Should().Be("completed");
        var whileSlowRuns = await ModelAsync(scenario.ModelId);
        var slowEnded = await scenario.WaitForEndAsync(slow);

        (await scenario.JobAsync(slow)).GetProperty("completed_at").GetDateTime().Should().BeAfter((await scenario.JobAsync(fast)).GetProperty("completed_at").GetDateTime());
        whileSlowRuns.GetProperty("status").GetString().Should().Be("training", "the slow job was still running");
        whileSlowRuns.GetProperty("config").GetProperty("training_job_id").GetString().Should().Be(fast.ToString());
        slowEnded.GetProperty("status").GetString().Should().Be("completed");
        var model = await ModelAsync(scenario.ModelId);
        model.GetProperty("status").GetString().Should().Be("deployed");
        model.GetProperty("config").GetProperty("training_job_id").GetString().Should().Be(slow.ToString(), "the latest success is the deployed one");
    }

    [Fact]
    public async Task AFailingCommandFailsTheJobWithItsError()
    {
        var scenario = await new TrainingScenario(client).ReadyAsync();

        var jobId = (await scenario.StartJobAsync(hyperparameters: new { fail = true })).GetProperty("id").GetGuid();
        var ended = await scenario.WaitForEndAsync(jobId);

        ended.GetProperty("status").GetString().Should().Be("failed");
        ended.GetProperty("error_message").GetString().Should().Contain("CUDA out of memory");
        (await ModelAsync(scenario.ModelId)).GetProperty("status").GetString().Should().Be("registered");
    }

    [Fact]
    public async Task AnExportThatBreaksTheRulesFailsTheJobBeforeAnythingRuns()
    {
        var scenario = new DatasetScenario(client);
        await scenario.WithProcessedDocumentAsync();
        var datasetId = await scenario.CreateDatasetAsync("extractive");
        await scenario.GenerateAsync(datasetId);
        var export = await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/datasets/{datasetId}/export", new { approved_only = false }), HttpStatusCode.OK);
        var modelId = await new TrainingScenario(client).CreateModelAsync($"Pequeno {Guid.NewGuid():N}");

        var job = await DatasetScenario.Expect(await client.PostAsJsonAsync("/api/v1/training-jobs",
            new { model_id = modelId, dataset_id = datasetId, provider = "local", dataset_export_id = export.GetProperty("id").GetGuid() }), HttpStatusCode.Created);
        var ended = await new TrainingScenario(client).WaitForEndAsync(job.GetProperty("id").GetGuid());

        ended.GetProperty("status").GetString().Should().Be("failed");
        ended.GetProperty("error_message").GetString().Should().Contain("at least 10").And.Contain("[min_examples]");
        ended.GetProperty("external_job_id").ValueKind.Should().Be(JsonValueKind.Null, "nothing was submitted");
        ended.GetProperty("started_at").ValueKind.Should().Be(JsonValueKind.Null);
    }
}

public sealed class SqliteTrainingLifecycleTests(SqliteLocalTrainingFactory factory) : TrainingLifecycleContract(factory), IClassFixture<SqliteLocalTrainingFactory>;

public sealed class PostgresTrainingLifecycleTests(PostgresLocalTrainingFactory factory) : TrainingLifecycleContract(factory), IClassFixture<PostgresLocalTrainingFactory>;
