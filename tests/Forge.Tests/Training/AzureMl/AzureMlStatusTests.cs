using System.Text.Json.Nodes;
using Forge.Shared.Training;

namespace Forge.Tests.Training.AzureMl;

public sealed class AzureMlStatusTests : AzureMlHarness
{
    [Theory]
    [InlineData("NotStarted", TrainingState.Queued, false)]
    [InlineData("Starting", TrainingState.Queued, false)]
    [InlineData("Provisioning", TrainingState.Queued, false)]
    [InlineData("Preparing", TrainingState.Queued, false)]
    [InlineData("Queued", TrainingState.Queued, false)]
    [InlineData("Running", TrainingState.Running, false)]
    [InlineData("Finalizing", TrainingState.Running, false)]
    [InlineData("CancelRequested", TrainingState.Running, false)]
    [InlineData("Completed", TrainingState.Succeeded, false)]
    [InlineData("Failed", TrainingState.Failed, false)]
    [InlineData("Canceled", TrainingState.Cancelled, false)]
    [InlineData("NotResponding", TrainingState.Running, true)]
    [InlineData("Paused", TrainingState.Running, true)]
    [InlineData("Unknown", TrainingState.Running, true)]
    [InlineData("SomethingAzureAddsLater", TrainingState.Running, true)]
    public async Task EveryAzureMlStatusMapsToAForgeState(string azureStatus, string expected, bool explained)
    {
        var provider = Provider();
        var handle = await SubmitAsync(provider);
        Server.ScriptStatuses(JobName, azureStatus);

        var snapshot = await provider.GetStatusAsync(handle, CancellationToken.None);

        snapshot.Status.Should().Be(expected);
        var status = snapshot.Events.Should().ContainSingle(e => e.Kind == "status").Subject;
        status.Data!["azureml_status"]!.GetValue<string>().Should().Be(azureStatus);
        status.Data!["status"]!.GetValue<string>().Should().Be(expected);
        snapshot.Events.Any(e => e.Kind == "message").Should().Be(explained);
        (snapshot.Error is not null).Should().Be(expected == TrainingState.Failed);
        (snapshot.FineTunedModel is not null).Should().Be(expected == TrainingState.Succeeded);
    }

    [Fact]
    public async Task EachStatusChangeIsOneEventAndARepeatedPollRepeatsItsIds()
    {
        var provider = Provider();
        var handle = await SubmitAsync(provider);
        Server.ScriptStatuses(JobName, "Queued", "Queued", "Running", "Running", "Completed");

        var events = new List<TrainingEvent>();
        TrainingSnapshot? beforeRunning = null;
        for (var poll = 0; poll < 5; poll++)
        {
            var snapshot = await provider.GetStatusAsync(handle, CancellationToken.None);
            beforeRunning = poll == 1 ? snapshot : beforeRunning;
            events.AddRange(snapshot.Events);
            handle = handle with { State = snapshot.State };
        }
        // The engine may run a poll twice from the same saved state: the same change gets the same id.
        Server.ScriptStatuses(JobName, "Running");
        var repeated = await provider.GetStatusAsync(handle with { State = beforeRunning!.State }, CancellationToken.None);

        events.Select(e => e.Id).Should().Equal("status-1-Queued", "status-2-Running", "status-3-Completed");
        events.Select(e => e.Message).Should().Equal("Azure ML: Queued", "Azure ML: Running", "Azure ML: Completed");
        repeated.Events.Select(e => e.Id).Should().Equal("status-2-Running");
    }

    [Fact]
    public async Task CompletedJobReportsItsModelOutputAndFullProgress()
    {
        var provider = Provider();
        var handle = await SubmitAsync(provider);
        Server.ScriptStatuses(JobName, "Completed");

        var snapshot = await provider.GetStatusAsync(handle, CancellationToken.None);

        snapshot.FineTunedModel.Should().Be($"azureml://jobs/{JobName}/outputs/model");
        snapshot.Metrics["progress"]!.GetValue<double>().Should().Be(1);
        snapshot.Error.Should().BeNull();
    }

    [Fact]
    public async Task CompletedJobWithAResolvedOutputReportsThatLocation()
    {
        const string uri = "azureml://datastores/workspaceblobstore/paths/azureml/forge-3f2b9c1e/model/";
        var provider = Provider();
        var handle = await SubmitAsync(provider);
        Server.Jobs.Single().OutputUri = uri;
        Server.ScriptStatuses(JobName, "Completed");

        (await provider.GetStatusAsync(handle, CancellationToken.None)).FineTunedModel.Should().Be(uri);
    }

    [Fact]
    public async Task FailedJobSaysWhereItsLogsAre()
    {
        var provider = Provider();
        var handle = await SubmitAsync(provider);
        Server.ScriptStatuses(JobName, "Failed");

        var snapshot = await provider.GetStatusAsync(handle, CancellationToken.None);

        snapshot.Error.Should().Contain(JobName).And.Contain($"https://ml.azure.com/runs/{JobName}");
        snapshot.Metrics.Should().BeEmpty("an ARM job carries no training figures");
    }

    [Fact]
    public async Task CancelAsksAzureMlAndTheJobEndsCancelled()
    {
        var provider = Provider();
        var handle = await SubmitAsync(provider);
        Server.ScriptStatuses(JobName, "Running");
        var running = await provider.GetStatusAsync(handle, CancellationToken.None);

        await provider.CancelAsync(handle with { State = running.State }, CancellationToken.None);
        var after = await provider.GetStatusAsync(handle with { State = running.State }, CancellationToken.None);

        var cancel = JobRequests("POST").Should().ContainSingle().Subject;
        cancel.Path.Should().Be($"{WorkspacePath}/jobs/{JobName}/cancel");
        cancel.Query.Should().Contain("api-version=");
        Server.Jobs.Single().CancelRequests.Should().Be(1);
        after.Status.Should().Be(TrainingState.Cancelled);
        after.Events.Select(e => e.Id).Should().Equal("status-2-Canceled");
    }

    [Fact]
    public async Task CancellingAJobThatAlreadyEndedIsNotAnError()
    {
        var provider = Provider();
        var handle = await SubmitAsync(provider);
        Server.ScriptStatuses(JobName, "Completed");
        await provider.GetStatusAsync(handle, CancellationToken.None);

        await provider.CancelAsync(handle, CancellationToken.None);

        Server.Jobs.Single().CancelRequests.Should().Be(0);
        Server.Jobs.Single().Status.Should().Be("Completed");
    }

    [Fact]
    public async Task CancellingAJobAzureMlDoesNotHaveIsNotAnError()
    {
        var cancel = () => Provider().CancelAsync(new TrainingHandle("forge-never-created", new JsonObject()), CancellationToken.None);

        await cancel.Should().NotThrowAsync();
        JobRequests("POST").Should().ContainSingle();
    }
}
