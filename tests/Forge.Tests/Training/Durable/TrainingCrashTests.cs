using System.Net;
using System.Text.Json;
using Forge.Tests.Datasets;
using Forge.Tests.Infrastructure;

namespace Forge.Tests.Training.Durable;

/// <summary>
/// A Forge worker process is SIGKILLed while it polls a Together job, and another worker process finishes it: the job
/// completes, Together was asked to create it once, and every event the provider reported is recorded once, including
/// those recorded before the crash. PostgreSQL and one task hub, shared by an API-only host in the test process (which
/// schedules) and the worker processes; leases and invisible messages of the dead worker come back within seconds.
/// </summary>
public sealed class TrainingCrashTests : IAsyncLifetime
{
    private const int RunningSteps = 14;
    private readonly string hub = DurableTestEnvironment.NewHubName();
    private string connectionString = null!;
    private FakeTogetherServer together = null!;
    private ForgeApiFactory api = null!;

    public async Task InitializeAsync()
    {
        connectionString = await PostgresServer.CreateDatabaseAsync("forge_train_crash");
        together = await FakeTogetherServer.StartAsync();
        // One poll moves the job one step: a job of fourteen polls, a second apart, with an event each.
        together.Script = [.. Enumerable.Range(1, RunningSteps).Select(i => new FakeTogetherStep("running") { Events = [("training_step", $"Step {i} done", i)] }),
            new FakeTogetherStep("completed") { Events = [("job_complete", "Job finished", null)] }];
        api = new ForgeApiFactory()
            .WithSetting("Forge:Database", "postgres")
            .WithSetting("ConnectionStrings:Forge", connectionString)
            .WithSetting("Forge:Role", "api");
        foreach (var (key, value) in Settings())
        {
            api.WithSetting(key, value);
        }
    }

    public async Task DisposeAsync()
    {
        await api.DisposeAsync();
        await together.DisposeAsync();
    }

    /// <summary>What every host of the test shares: the hub, its shape and quick recovery, and Together pointed at the fake.</summary>
    private IEnumerable<(string Key, string Value)> Settings() =>
    [
        ("Forge:Extensions:DurableTask:HubName", hub),
        ("Forge:Extensions:DurableTask:StorageProvider:PartitionCount", "2"),
        ("Forge:Extensions:DurableTask:StorageProvider:PartitionLeaseInterval", "00:00:15"),
        ("Forge:Extensions:DurableTask:StorageProvider:WorkItemQueueVisibilityTimeout", "00:00:10"),
        ("Forge:Extensions:DurableTask:StorageProvider:ControlQueueVisibilityTimeout", "00:00:10"),
        ("Forge:Training:Together:ApiKey", FakeTogetherServer.ApiKey),
        ("Forge:Training:Together:BaseUrl", together.BaseUrl.ToString()),
        ("Forge:Training:PollIntervalMs", "100"),
        ("Forge:Durable:Retry:FirstDelaySeconds", "1"),
    ];

    private Task<WorkerProcess> StartWorkerAsync() => WorkerProcess.StartForgeAsync([
        "--role", "worker", "--urls", "http://127.0.0.1:0",
        "--Forge:Database=postgres", $"--ConnectionStrings:Forge={connectionString}", $"--Forge:DataPath={api.DataPath}",
        .. Settings().Select(s => $"--{s.Key}={s.Value}"),
    ]);

    private static IEnumerable<string> StepMessages(IEnumerable<JsonElement> events) =>
        events.Select(e => e.GetProperty("message").GetString()!).Where(m => m.StartsWith("Step ", StringComparison.Ordinal));

    [Fact]
    public async Task AWorkerKilledMidPollLeavesTheJobToAnotherWhichFinishesItWithoutSubmittingAgain()
    {
        var client = api.CreateAuthenticatedClient();
        TrainingScenario scenario;
        Guid jobId;
        List<string> recordedBeforeCrash;
        await using (var doomed = await StartWorkerAsync())
        {
            scenario = await new TrainingScenario(client).ReadyAsync("together");
            jobId = (await scenario.StartJobAsync("together", new { epochs = 1 })).GetProperty("id").GetGuid();
            recordedBeforeCrash = await Poll.UntilAsync(async () => StepMessages(await EventsAsync(client, jobId)).ToList(),
                steps => steps.Count >= 3, "the job to record three steps", TimeSpan.FromSeconds(90));
            await doomed.KillAsync();
        }
        (await scenario.JobAsync(jobId)).GetProperty("status").GetString().Should().Be("running", "the worker must die mid-job for this test to mean anything");

        await using var survivor = await StartWorkerAsync();
        var ended = await scenario.WaitForEndAsync(jobId);

        ended.GetProperty("status").GetString().Should().Be("completed", ended.GetRawText());
        together.Jobs.Should().ContainSingle("the job was submitted once, by the worker that died");
        var steps = StepMessages(await EventsAsync(client, jobId)).ToList();
        steps.Should().Equal(Enumerable.Range(1, RunningSteps).Select(i => $"Step {i} done"), "every step is recorded once, in order, across both workers");
        steps.Should().Contain(recordedBeforeCrash);
    }

    private static async Task<List<JsonElement>> EventsAsync(HttpClient client, Guid jobId) =>
        (await DatasetScenario.Expect(await client.GetAsync($"/api/v1/training-jobs/{jobId}/events"), HttpStatusCode.OK)).EnumerateArray().ToList();
}
