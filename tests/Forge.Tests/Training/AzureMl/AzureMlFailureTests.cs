using Forge.Shared.Durable;
using System.Text.Json.Nodes;
using Forge.Shared.Training;
using Forge.Tests.Infrastructure;

namespace Forge.Tests.Training.AzureMl;

public sealed class AzureMlFailureTests : AzureMlHarness
{
    [Fact]
    public async Task ThrottledSubmissionIsRetriedAfterTheWaitArmAskedFor()
    {
        Server.Fail(FakeArmFailure.Throttled(retryAfterSeconds: 17, method: "PUT"));

        var submit = () => Provider().SubmitAsync(Submission(), CancellationToken.None);

        var thrown = (await submit.Should().ThrowAsync<RetryableActivityException>()).Which;
        thrown.RetryAfter.Should().Be(TimeSpan.FromSeconds(17));
        thrown.Message.Should().Contain("429").And.Contain("TooManyRequests");
        JobRequests("PUT").Should().ContainSingle("the engine retries, not the HTTP pipeline");
    }

    [Fact]
    public async Task ServerErrorWhilePollingIsRetryable()
    {
        var provider = Provider();
        var handle = await SubmitAsync(provider);
        Server.Fail(FakeArmFailure.ServerError(method: "GET"));

        var poll = () => provider.GetStatusAsync(handle, CancellationToken.None);

        (await poll.Should().ThrowAsync<RetryableActivityException>()).Which.Message.Should().Contain("500");
        (await provider.GetStatusAsync(handle, CancellationToken.None)).Status.Should().Be(TrainingState.Queued);
    }

    [Fact]
    public async Task ServerErrorWhileCancellingIsRetryable()
    {
        var provider = Provider();
        var handle = await SubmitAsync(provider);
        Server.Fail(FakeArmFailure.ServerError(method: "POST"));

        var cancel = () => provider.CancelAsync(handle, CancellationToken.None);

        await cancel.Should().ThrowAsync<RetryableActivityException>();
    }

    [Fact]
    public async Task ForbiddenIsAPermanentErrorThatNamesTheMissingRole()
    {
        Server.Fail(FakeArmFailure.Forbidden());

        var submit = () => Provider().SubmitAsync(Submission(), CancellationToken.None);

        (await submit.Should().ThrowAsync<PermanentActivityException>()).WithMessage("*403*AuthorizationFailed*role*");
    }

    [Fact]
    public async Task RejectedTokenIsAPermanentErrorThatNamesTheCredential()
    {
        Server.Fail(new FakeArmFailure(401, "InvalidAuthenticationToken", "The access token is invalid."));

        var submit = () => Provider().SubmitAsync(Submission(), CancellationToken.None);

        (await submit.Should().ThrowAsync<PermanentActivityException>()).WithMessage("*401*InvalidAuthenticationToken*ClientSecret*");
    }

    [Fact]
    public async Task PollingAJobAzureMlDoesNotHaveIsAPermanentError()
    {
        var poll = () => Provider().GetStatusAsync(new TrainingHandle("forge-deleted", new JsonObject()), CancellationToken.None);

        (await poll.Should().ThrowAsync<PermanentActivityException>()).WithMessage("*no job named forge-deleted*");
    }

    [Fact]
    public async Task UnreachableArmIsRetryable()
    {
        var closedPort = TrainingTestData.ClosedPort();

        var submit = () => Provider(o => o.ArmEndpoint = $"https://127.0.0.1:{closedPort}").SubmitAsync(Submission(), CancellationToken.None);

        (await submit.Should().ThrowAsync<RetryableActivityException>()).WithMessage("Azure ML could not be reached*");
    }

    [Fact]
    public async Task UnconfiguredProviderFailsWithEveryMissingSetting()
    {
        var provider = new Forge.Shared.Training.AzureMl.AzureMlTrainingProvider(new(), TimeProvider.System);

        var submit = () => provider.SubmitAsync(Submission(), CancellationToken.None);

        (await submit.Should().ThrowAsync<PermanentActivityException>()).Which.Message.Should()
            .StartWith("Azure ML training is not configured")
            .And.Contain("Forge:Training:AzureML:SubscriptionId is required")
            .And.Contain("Forge:Training:AzureML:ResourceGroup is required")
            .And.Contain("Forge:Training:AzureML:Workspace is required")
            .And.Contain("Forge:Training:AzureML:Compute is required")
            .And.Contain("Forge:Training:AzureML:Environment is required")
            .And.Contain("Forge:Training:AzureML:Command is required");
    }
}
