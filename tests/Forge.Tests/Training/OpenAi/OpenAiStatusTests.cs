using Forge.Shared.Training;
using Forge.Tests.Infrastructure;
using static Forge.Tests.Training.OpenAi.OpenAiTesting;

namespace Forge.Tests.Training.OpenAi;

public sealed class OpenAiStatusTests : IAsyncLifetime
{
    private FakeOpenAiFineTuningServer server = null!;

    public async Task InitializeAsync() => server = await FakeOpenAiFineTuningServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Theory]
    [InlineData("validating_files", TrainingState.Queued)]
    [InlineData("queued", TrainingState.Queued)]
    [InlineData("paused", TrainingState.Queued)]
    [InlineData("running", TrainingState.Running)]
    [InlineData("succeeded", TrainingState.Succeeded)]
    [InlineData("failed", TrainingState.Failed)]
    [InlineData("cancelled", TrainingState.Cancelled)]
    public async Task EveryOpenAiStatusMapsToAForgeState(string openAi, string forge)
    {
        server.Script = FakeOpenAiStep.Statuses(openAi);
        var provider = Provider(server.BaseUrl);

        var snapshot = (await PollAsync(provider, await provider.SubmitAsync(Submission(), default), 1)).Single();

        snapshot.Status.Should().Be(forge);
    }

    [Fact]
    public async Task EachPollReturnsOnlyTheEventsAfterTheCursorOldestFirst()
    {
        var provider = Provider(server.BaseUrl);

        var polls = await PollAsync(provider, await provider.SubmitAsync(Submission(), default), 4);

        polls[0].Events.Select(e => e.Message).Should().Equal("Validating training file");
        polls[1].Events.Select(e => e.Message).Should().Equal("Files validated, moving job to queued state");
        polls[2].Events.Select(e => (e.Kind, e.Message)).Should().Equal(
            ("message", "Fine-tuning job started"), ("metrics", "Step 1/4: training loss=2.1000"), ("metrics", "Step 2/4: training loss=1.7000"));
        polls[3].Events.Select(e => e.Message).Should().Equal("Step 3/4: training loss=1.2000", "Step 4/4: training loss=0.9000");
        polls.SelectMany(p => p.Events).Select(e => e.Id).Should().OnlyHaveUniqueItems();
        polls[3].State["last_event_id"]!.GetValue<string>().Should().Be((string?)server.Jobs.Single().Events[^1]["id"]);
    }

    [Fact]
    public async Task EventsOverSeveralPagesAllArriveInOrder()
    {
        server.Script = [new FakeOpenAiStep("running") { Metrics = [.. Enumerable.Range(1, 150).Select(i => (i, 150, 2.0 - (i / 100.0)))] }];
        var provider = Provider(server.BaseUrl);

        var polls = await PollAsync(provider, await provider.SubmitAsync(Submission(), default), 2);

        polls[0].Events.Select(e => (long?)e.Data!["step"]).Should().Equal(Enumerable.Range(1, 150).Select(i => (long?)i));
        server.Requests.Count(r => r.Path.EndsWith("/events", StringComparison.Ordinal)).Should().Be(3, "two pages, then one that stops at the cursor");
        polls[1].Events.Should().BeEmpty();
    }

    [Fact]
    public async Task MetricsFollowTheLatestStep()
    {
        var provider = Provider(server.BaseUrl);

        var polls = await PollAsync(provider, await provider.SubmitAsync(Submission(), default), 4);

        var halfway = polls[2].Metrics;
        ((double?)halfway["loss"]).Should().Be(1.7);
        ((long?)halfway["step"]).Should().Be(2);
        ((double?)halfway["progress"]).Should().Be(0.5);
        ((double?)halfway["epoch"]).Should().Be(1.5, "half the steps of the three epochs OpenAI chose");
        ((double?)polls[3].Metrics["loss"]).Should().Be(0.9);
        ((double?)polls[3].Metrics["progress"]).Should().Be(1.0);
    }

    [Fact]
    public async Task ASucceededJobReportsItsModelAndTheLastCheckpointsFigures()
    {
        var provider = Provider(server.BaseUrl);

        var last = (await PollAsync(provider, await provider.SubmitAsync(Submission(), default), 5))[^1];

        last.Status.Should().Be(TrainingState.Succeeded);
        last.FineTunedModel.Should().Be(server.Jobs.Single().FineTunedModel);
        ((double?)last.Metrics["final_loss"]).Should().Be(0.9);
        ((double?)last.Metrics["final_valid_loss"]).Should().BeApproximately(1.05, 1e-6);
        ((long?)last.Metrics["trained_tokens"]).Should().Be(48_000);
        ((double?)last.Metrics["progress"]).Should().Be(1.0);
        last.Error.Should().BeNull();
    }

    [Fact]
    public async Task ARunningJobHasNoModelAndNoCheckpointRead()
    {
        var provider = Provider(server.BaseUrl);

        var running = (await PollAsync(provider, await provider.SubmitAsync(Submission(), default), 4))[^1];

        running.FineTunedModel.Should().BeNull();
        running.Metrics.ContainsKey("final_loss").Should().BeFalse();
        server.Requests.Should().NotContain(r => r.Path.EndsWith("/checkpoints", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFailedJobReportsOpenAisReasonAndCode()
    {
        server.Script = FakeOpenAiStep.Fails();
        var provider = Provider(server.BaseUrl);

        var last = (await PollAsync(provider, await provider.SubmitAsync(Submission(), default), 2))[^1];

        last.Status.Should().Be(TrainingState.Failed);
        last.Error.Should().Contain("Line 3 has no messages").And.Contain("invalid_training_file");
        last.FineTunedModel.Should().BeNull();
    }
}
