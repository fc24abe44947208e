using Forge.Shared.Durable;
using Forge.Shared.Training;
using Forge.Tests.Infrastructure;
using static Forge.Tests.Training.OpenAi.OpenAiTesting;

namespace Forge.Tests.Training.OpenAi;

public sealed class OpenAiCancelAndFailureTests : IAsyncLifetime
{
    private FakeOpenAiFineTuningServer server = null!;

    public async Task InitializeAsync() => server = await FakeOpenAiFineTuningServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task CancelStopsARunningJob()
    {
        var provider = Provider(server.BaseUrl);
        var submitted = await provider.SubmitAsync(Submission(), default);
        var state = (await PollAsync(provider, submitted, 3))[^1].State;

        await provider.CancelAsync(new TrainingHandle(submitted.ExternalJobId, state), default);
        var after = await provider.GetStatusAsync(new TrainingHandle(submitted.ExternalJobId, state), default);

        server.Requests.Should().ContainSingle(r => r.Path == $"/v1/fine_tuning/jobs/{submitted.ExternalJobId}/cancel");
        after.Status.Should().Be(TrainingState.Cancelled);
        after.Events.Select(e => e.Message).Should().EndWith("Fine-tuning job cancelled");
    }

    [Fact]
    public async Task CancellingAFinishedJobIsNotAnErrorAndSendsNoCancel()
    {
        server.Script = FakeOpenAiStep.Statuses("succeeded");
        var provider = Provider(server.BaseUrl);
        var submitted = await provider.SubmitAsync(Submission(), default);
        await PollAsync(provider, submitted, 1);

        await provider.Invoking(p => p.CancelAsync(new TrainingHandle(submitted.ExternalJobId, submitted.State), default)).Should().NotThrowAsync();

        server.Requests.Should().NotContain(r => r.Path.EndsWith("/cancel", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AJobThatEndsJustBeforeTheCancelIsNotAnError()
    {
        server.Script = FakeOpenAiStep.Statuses("running", "succeeded");
        var provider = Provider(server.BaseUrl);
        var submitted = await provider.SubmitAsync(Submission(), default);
        server.FailNext(FakeOpenAiRoute.Cancel, FakeTrainingFailure.BadRequest("Job has already succeeded; it cannot be cancelled."));

        await provider.Invoking(p => p.CancelAsync(new TrainingHandle(submitted.ExternalJobId, submitted.State), default)).Should().NotThrowAsync();

        server.Jobs.Single().Status.Should().Be("succeeded", "the provider looked again after OpenAI refused the cancel");
    }

    [Fact]
    public async Task ARefusedCancelOfARunningJobIsPermanent()
    {
        server.Script = FakeOpenAiStep.Statuses("running");
        var provider = Provider(server.BaseUrl);
        var submitted = await provider.SubmitAsync(Submission(), default);
        server.FailNext(FakeOpenAiRoute.Cancel, FakeTrainingFailure.BadRequest("This job cannot be cancelled right now."));

        var failure = await provider.Invoking(p => p.CancelAsync(new TrainingHandle(submitted.ExternalJobId, submitted.State), default))
            .Should().ThrowAsync<PermanentActivityException>();

        failure.Which.Message.Should().Contain("cannot be cancelled right now");
    }

    [Fact]
    public async Task RateLimitIsRetryableAfterOpenAisWaitWithoutTheSdkRetrying()
    {
        server.FailNext(FakeOpenAiRoute.List, FakeTrainingFailure.RateLimited(retryAfterSeconds: 7));

        var failure = await Provider(server.BaseUrl).Invoking(p => p.SubmitAsync(Submission(), default)).Should().ThrowAsync<RetryableActivityException>();

        failure.Which.RetryAfter.Should().Be(TimeSpan.FromSeconds(7));
        failure.Which.Message.Should().Contain("openai answered 429").And.Contain("exceeded the rate limit");
        server.Requests.Should().ContainSingle("the SDK's own retries are off; the engine retries");
    }

    [Fact]
    public async Task NoCreditIsPermanentThoughItIsA429()
    {
        server.FailNext(FakeOpenAiRoute.Create, new FakeTrainingFailure(429, "You exceeded your current quota, please check your plan and billing details.", "insufficient_quota"));

        var failure = await Provider(server.BaseUrl).Invoking(p => p.SubmitAsync(Submission(), default)).Should().ThrowAsync<PermanentActivityException>();

        failure.Which.Message.Should().Contain("exceeded your current quota").And.Contain("billing");
    }

    [Fact]
    public async Task ServerErrorWhilePollingIsRetryableWithoutAWait()
    {
        var provider = Provider(server.BaseUrl);
        var submitted = await provider.SubmitAsync(Submission(), default);
        server.FailNext(FakeOpenAiRoute.Events, FakeTrainingFailure.ServerError());

        var failure = await provider.Invoking(p => p.GetStatusAsync(new TrainingHandle(submitted.ExternalJobId, submitted.State), default))
            .Should().ThrowAsync<RetryableActivityException>();

        failure.Which.RetryAfter.Should().BeNull();
        failure.Which.Message.Should().Contain("500").And.Contain("events");
    }

    [Fact]
    public async Task WrongKeyIsPermanentAndNamesTheSettingToCheck()
    {
        var failure = await Provider(server.BaseUrl, apiKey: "sk-wrong").Invoking(p => p.SubmitAsync(Submission(), default))
            .Should().ThrowAsync<PermanentActivityException>();

        failure.Which.Message.Should().Contain("401").And.Contain("Incorrect API key provided").And.Contain("Forge:Training:OpenAI:ApiKey");
    }

    [Fact]
    public async Task RejectedJobIsPermanentWithOpenAisMessage()
    {
        server.FailNext(FakeOpenAiRoute.Create, FakeTrainingFailure.BadRequest("Model gpt-nope is not available for fine-tuning or does not exist."));

        var failure = await Provider(server.BaseUrl).Invoking(p => p.SubmitAsync(Submission(), default)).Should().ThrowAsync<PermanentActivityException>();

        failure.Which.Message.Should().Contain("400").And.Contain("is not available for fine-tuning");
    }

    [Fact]
    public async Task MissingKeyFailsWithoutCallingOpenAi()
    {
        var failure = await Provider(server.BaseUrl, apiKey: null).Invoking(p => p.SubmitAsync(Submission(), default))
            .Should().ThrowAsync<PermanentActivityException>();

        failure.Which.Message.Should().Contain("Forge:Training:OpenAI:ApiKey");
        server.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task UnreachableOpenAiIsRetryable()
    {
        var failure = await Provider(new Uri($"http://127.0.0.1:{TrainingTestData.ClosedPort()}/v1")).Invoking(p => p.SubmitAsync(Submission(), default))
            .Should().ThrowAsync<RetryableActivityException>();

        failure.Which.Message.Should().Contain("could not be reached");
    }
}
