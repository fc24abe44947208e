using System.Net;
using Forge.Tests.Datasets;
using Forge.Tests.Infrastructure;

namespace Forge.Tests.Training;

/// <summary>
/// Forge stops in the middle of a training job and another Forge process takes over: polling resumes from the
/// durable timer, the training process (detached) keeps running, and nothing is submitted twice.
/// PostgreSQL and the task hub shared by both hosts; the same blob store and training folder. Leases and invisible
/// messages of the stopped host come back within seconds, not the production minutes.
/// </summary>
public sealed class TrainingRestartTests : IAsyncLifetime
{
    private readonly string shared = Path.Combine(Path.GetTempPath(), "forge-restart", Guid.NewGuid().ToString("N"));
    private readonly string hub = DurableTestEnvironment.NewHubName();
    private string connectionString = null!;

    public async Task InitializeAsync() => connectionString = await PostgresServer.CreateDatabaseAsync("forge_restart");

    public Task DisposeAsync() => Task.CompletedTask;

    private ForgeApiFactory Host()
    {
        var factory = new ForgeApiFactory()
            .WithSetting("Forge:Database", "postgres")
            .WithSetting("ConnectionStrings:Forge", connectionString)
            .WithSetting("Forge:Storage:Root", Path.Combine(shared, "blobs"))
            .WithSetting("Forge:Extensions:DurableTask:HubName", hub)
            .WithSetting("Forge:Extensions:DurableTask:StorageProvider:PartitionLeaseInterval", "00:00:15")
            .WithSetting("Forge:Extensions:DurableTask:StorageProvider:WorkItemQueueVisibilityTimeout", "00:00:10")
            .WithSetting("Forge:Extensions:DurableTask:StorageProvider:ControlQueueVisibilityTimeout", "00:00:10");
        LocalTrainingScript.Configure(factory, Path.Combine(shared, "training"));
        return factory;
    }

    [Fact]
    public async Task ARestartMidJobResumesPollingWithoutSubmittingAgain()
    {
        Guid jobId;
        TrainingScenario scenario;
        await using (var first = Host())
        {
            var client = first.CreateAuthenticatedClient();
            scenario = await new TrainingScenario(client).ReadyAsync();
            jobId = (await scenario.StartJobAsync(hyperparameters: new { step_seconds = 0.6 })).GetProperty("id").GetGuid();
            await Poll.UntilAsync(() => scenario.JobAsync(jobId), j => j.GetProperty("status").GetString() == "running", "the job to be submitted");
        }

        await using var second = Host();
        var again = new TrainingScenario(second.CreateAuthenticatedClient());
        var ended = await again.WaitForEndAsync(jobId);

        ended.GetProperty("status").GetString().Should().Be("completed", ended.GetRawText());
        ended.GetProperty("metrics").GetProperty("step").GetInt32().Should().Be(10);
        var events = (await DatasetScenario.Expect(await second.CreateAuthenticatedClient().GetAsync($"/api/v1/training-jobs/{jobId}/events"), HttpStatusCode.OK)).EnumerateArray().ToList();
        events.Count(e => e.GetProperty("message").GetString()!.StartsWith("Submitted to local")).Should().Be(1);
        events.Count(e => e.GetProperty("kind").GetString() == "metrics").Should().Be(10, "every metric line is recorded once across both hosts");
        Directory.GetDirectories(Path.Combine(shared, "training")).Should().HaveCount(1, "one training process was started");
    }
}
