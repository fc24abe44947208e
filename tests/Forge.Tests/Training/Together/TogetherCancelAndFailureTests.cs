using Forge.Shared.Durable;
using Forge.Shared.Training;
using Forge.Tests.Infrastructure;
using static Forge.Tests.Training.Together.TogetherTesting;

namespace Forge.Tests.Training.Together;

public sealed class TogetherCancelAndFailureTests : IAsyncLifetime
{
    private FakeTogetherServer server = null!;

    public async Task InitializeAsync() => server = await FakeTogetherServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task CancelStopsARunningJob()
    {
        var provider = Provider(server.BaseUrl);
        var submitted = await provider.SubmitAsync(Submission(), default);
        var state = (await PollAsync(provider, submitted, 2))[^1].State;

        await provider.CancelAsync(new TrainingHandle(submitted.ExternalJobId, state), default);
        var after = await provider.GetStatusAsync(new TrainingHandle(submitted.ExternalJobId, state), default);

        server.Requests.Should().ContainSingle(r => r.Path == $"/v1/fine-tunes/{submitted.ExternalJobId}/cancel");
        after.Status.Should().Be(TrainingState.Cancelled);
        after.Events.Select(e => e.Message).Should().Contain("Cancel requested by user");
    }

    [Fact]
    public async Task CancellingAFinishedJobIsNotAnError()
    {
        server.Script = FakeTogetherStep.Statuses("completed");
        var provider = Provider(server.BaseUrl);
        var submitted = await provider.SubmitAsync(Submission(), default);
        await PollAsync(provider, submitted, 1);

        await provider.Invoking(p => p.CancelAsync(new TrainingHandle(submitted.ExternalJobId, submitted.State), default)).Should().NotThrowAsync();
    }

    [Fact]
    public async Task CancellingAJobTogetherDoesNotKnowIsPermanent()
    {
        var failure = await Provider(server.BaseUrl).Invoking(p => p.CancelAsync(new TrainingHandle("ft-missing", []), default))
            .Should().ThrowAsync<PermanentActivityException>();

        failure.Which.Message.Should().Contain("404").And.Contain("ft-missing not found");
    }

    [Fact]
    public async Task RateLimitIsRetryableAfterTogethersWait()
    {
        server.FailNext(FakeTogetherRoute.Get, FakeTrainingFailure.RateLimited(retryAfterSeconds: 7));
        var provider = Provider(server.BaseUrl);
        var submitted = await provider.SubmitAsync(Submission(), default);

        var failure = await provider.Invoking(p => p.GetStatusAsync(new TrainingHandle(submitted.ExternalJobId, submitted.State), default))
            .Should().ThrowAsync<RetryableActivityException>();

        failure.Which.RetryAfter.Should().Be(TimeSpan.FromSeconds(7));
        failure.Which.Message.Should().Contain("together answered 429").And.Contain("exceeded the rate limit");
    }

    [Fact]
    public async Task ServerErrorIsRetryableWithoutAWait()
    {
        server.FailNext(FakeTogetherRoute.List, FakeTrainingFailure.ServerError());

        var failure = await Provider(server.BaseUrl).Invoking(p => p.SubmitAsync(Submission(), default)).Should().ThrowAsync<RetryableActivityException>();

        failure.Which.RetryAfter.Should().BeNull();
        failure.Which.Message.Should().Contain("500").And.Contain("Internal server error");
        server.Files.Should().BeEmpty();
    }

    [Fact]
    public async Task WrongKeyIsPermanentAndNamesTheSettingToCheck()
    {
        var failure = await Provider(server.BaseUrl, apiKey: "wrong").Invoking(p => p.SubmitAsync(Submission(), default))
            .Should().ThrowAsync<PermanentActivityException>();

        failure.Which.Message.Should().Contain("401").And.Contain("Invalid API key provided").And.Contain("Forge:Training:Together:ApiKey");
    }

    [Fact]
    public async Task RejectedJobIsPermanentWithTogethersMessage()
    {
        server.FailNext(FakeTogetherRoute.Create, FakeTrainingFailure.BadRequest("Model meta-llama/Nope is not supported for fine-tuning"));

        var failure = await Provider(server.BaseUrl).Invoking(p => p.SubmitAsync(Submission(), default)).Should().ThrowAsync<PermanentActivityException>();

        failure.Which.Message.Should().Contain("400").And.Contain("is not supported for fine-tuning");
    }

    [Fact]
    public async Task MissingKeyFailsWithoutCallingTogether()
    {
        var failure = await Provider(server.BaseUrl, apiKey: null).Invoking(p => p.SubmitAsync(Submission(), default))
            .Should().ThrowAsync<PermanentActivityException>();

        failure.Which.Message.Should().Contain("Forge:Training:Together:ApiKey");
        server.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task UnreachableTogetherIsRetryable()
    {
        var failure = await Provider(new Uri($"http://127.0.0.1:{TrainingTestData.ClosedPort()}/v1")).Invoking(p => p.SubmitAsync(Submission(), default))
            .Should().ThrowAsync<RetryableActivityException>();

        failure.Which.Message.Should().Contain("could not be reached");
    }

    [Fact]
    public async Task CallersCancellationStaysACancellation()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Provider(server.BaseUrl).Invoking(p => p.SubmitAsync(Submission(), cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
    }
}
