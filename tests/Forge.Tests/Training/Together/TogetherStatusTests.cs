using Forge.Shared.Training;
using Forge.Tests.Infrastructure;
using static Forge.Tests.Training.Together.TogetherTesting;

namespace Forge.Tests.Training.Together;

public sealed class TogetherStatusTests : IAsyncLifetime
{
    private FakeTogetherServer server = null!;

    public async Task InitializeAsync() => server = await FakeTogetherServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Theory]
    [InlineData("pending", TrainingState.Queued)]
    [InlineData("queued", TrainingState.Queued)]
    [InlineData("running", TrainingState.Running)]
    [InlineData("compressing", TrainingState.Running)]
    [InlineData("uploading", TrainingState.Running)]
    [InlineData("cancel_requested", TrainingState.Running)]
    [InlineData("cancelled", TrainingState.Cancelled)]
    [InlineData("error", TrainingState.Failed)]
    [InlineData("user_error", TrainingState.Failed)]
    [InlineData("completed", TrainingState.Succeeded)]
    public async Task EveryTogetherStatusMapsToAForgeState(string together, string forge)
    {
        server.Script = FakeTogetherStep.Statuses(together);
        var provider = Provider(server.BaseUrl);

        var snapshot = (await PollAsync(provider, await provider.SubmitAsync(Submission(), default), 1)).Single();

        snapshot.Status.Should().Be(forge);
    }

    [Fact]
    public async Task EachPollReturnsOnlyTheEventsAfterTheCursor()
    {
        var provider = Provider(server.BaseUrl);

        var polls = await PollAsync(provider, await provider.SubmitAsync(Submission(), default), 3);

        polls[0].Events.Select(e => e.Message).Should().Equal("Fine tune request created");
        polls[1].Events.Where(e => e.Kind == "message").Select(e => e.Message).Should().Equal("Job started", "Training started for model base/model");
        polls[1].Events.Where(e => e.Kind == "metrics").Select(e => e.Id).Should().Equal("train-step-1", "train-step-2");
        polls[2].Events.Select(e => e.Id).Should().Equal("event-3", "train-step-3", "train-step-4", "eval-step-4");
        polls.SelectMany(p => p.Events).Select(e => e.Id).Should().OnlyHaveUniqueItems();
        polls[2].State["events_seen"]!.GetValue<int>().Should().Be(4);
        server.Requests.Last(r => r.Path.EndsWith("/metrics", StringComparison.Ordinal)).Query.Should().Contain("global_step_from", "3");
    }

    [Fact]
    public async Task AnEventKeepsTogethersTimeTypeAndStep()
    {
        var provider = Provider(server.BaseUrl);

        var polls = await PollAsync(provider, await provider.SubmitAsync(Submission(), default), 3);

        var epoch = polls[2].Events.First();
        epoch.Message.Should().Be("Epoch completed, at step 4");
        ((string?)epoch.Data!["type"]).Should().Be("epoch_complete");
        ((long?)epoch.Data["step"]).Should().Be(4);
        epoch.At.Should().Be(DateTimeOffset.Parse((string)server.Jobs.Single().Events[3]["created_at"]!, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime);
        epoch.At.Kind.Should().Be(DateTimeKind.Utc);
    }

    [Fact]
    public async Task MetricsFollowTheLatestStep()
    {
        var provider = Provider(server.BaseUrl);

        var polls = await PollAsync(provider, await provider.SubmitAsync(Submission(), default), 3);

        var running = polls[1].Metrics;
        ((double?)running["loss"]).Should().Be(1.7);
        ((long?)running["step"]).Should().Be(2);
        ((double?)running["epoch"]).Should().Be(1.0);
        ((double?)running["progress"]).Should().Be(0.5);
        var later = polls[2].Metrics;
        ((double?)later["loss"]).Should().Be(0.9);
        ((double?)later["eval_loss"]).Should().Be(1.05);
        ((double?)later["progress"]).Should().Be(1.0);
    }

    [Fact]
    public async Task LatestMetricsStayWhenAPollBringsNoNewRows()
    {
        var provider = Provider(server.BaseUrl);

        var polls = await PollAsync(provider, await provider.SubmitAsync(Submission(), default), 4);

        polls[3].Events.Should().NotContain(e => e.Kind == "metrics");
        ((double?)polls[3].Metrics["loss"]).Should().Be(0.9);
    }

    [Fact]
    public async Task ProgressComesFromTheJobWhereTheMetricsEndpointIsMissing()
    {
        server.HasMetricsEndpoint = false;
        var provider = Provider(server.BaseUrl);

        var polls = await PollAsync(provider, await provider.SubmitAsync(Submission(), default), 2);

        ((double?)polls[1].Metrics["progress"]).Should().Be(0.5);
        polls[1].Events.Should().OnlyContain(e => e.Kind == "message");
    }

    [Fact]
    public async Task ASucceededJobReportsItsModelAndFinalFigures()
    {
        var provider = Provider(server.BaseUrl);

        var last = (await PollAsync(provider, await provider.SubmitAsync(Submission(), default), 5))[^1];

        last.Status.Should().Be(TrainingState.Succeeded);
        last.FineTunedModel.Should().Be(server.Jobs.Single().OutputName);
        ((double?)last.Metrics["final_loss"]).Should().Be(0.9);
        ((long?)last.Metrics["trained_tokens"]).Should().Be(123456);
        ((double?)last.Metrics["progress"]).Should().Be(1.0);
        last.Error.Should().BeNull();
    }

    [Fact]
    public async Task ARunningJobHasNoModelYet()
    {
        var provider = Provider(server.BaseUrl);

        var running = (await PollAsync(provider, await provider.SubmitAsync(Submission(), default), 4))[^1];

        running.Status.Should().Be(TrainingState.Running);
        running.FineTunedModel.Should().BeNull();
    }

    [Fact]
    public async Task AFailedJobReportsTogethersReason()
    {
        server.Script = FakeTogetherStep.Fails();
        var provider = Provider(server.BaseUrl);

        var last = (await PollAsync(provider, await provider.SubmitAsync(Submission(), default), 3))[^1];

        last.Status.Should().Be(TrainingState.Failed);
        last.Error.Should().Contain("CUDA out of memory on worker");
        last.FineTunedModel.Should().BeNull();
    }

    [Fact]
    public async Task AUserErrorBlamesTheDataOrSettings()
    {
        server.Script = FakeTogetherStep.Fails("user_error", "job_user_error", "Invalid training file: line 2 has no messages");
        var provider = Provider(server.BaseUrl);

        var last = (await PollAsync(provider, await provider.SubmitAsync(Submission(), default), 3))[^1];

        last.Error.Should().Contain("training data or settings").And.Contain("line 2 has no messages");
    }
}
