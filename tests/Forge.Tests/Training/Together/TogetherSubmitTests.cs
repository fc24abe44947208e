using Forge.Shared.Durable;
using System.Text.Json.Nodes;
using Forge.Shared.Training.Together;
using Forge.Tests.Infrastructure;
using static Forge.Tests.Training.Together.TogetherTesting;

namespace Forge.Tests.Training.Together;

public sealed class TogetherSubmitTests : IAsyncLifetime
{
    private FakeTogetherServer server = null!;

    public async Task InitializeAsync() => server = await FakeTogetherServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task SubmitUploadsTheExportAndCreatesTheJobOnIt()
    {
        var submission = Submission(hyperparameters: new JsonObject { ["epochs"] = 3, ["learning_rate"] = 2e-5, ["batch_size"] = 8 });

        var submitted = await Provider(server.BaseUrl).SubmitAsync(submission, default);

        var upload = server.Requests.Single(r => r.Path == "/v1/files/upload");
        upload.FileContent.Should().Equal(Export);
        upload.Form.Should().Contain("purpose", "fine-tune").And.Contain("file_name", $"{submission.JobName}-dataset.jsonl").And.Contain("file_type", "jsonl");
        var file = server.Files.Single();
        var job = server.Jobs.Single();
        submitted.ExternalJobId.Should().Be(job.Id);
        submitted.State["training_file"]!.GetValue<string>().Should().Be(file.Id);
        var body = job.Request;
        ((string?)body["training_file"]).Should().Be(file.Id);
        ((string?)body["model"]).Should().Be(BaseModel);
        ((string?)body["suffix"]).Should().Be($"forge-{submission.JobId:N}", "forge-{guid} is 42 characters, over Together's 40");
        ((long?)body["n_epochs"]).Should().Be(3);
        ((double?)body["learning_rate"]).Should().Be(2e-5);
        ((long?)body["batch_size"]).Should().Be(8);
        body["training_method"]!.ToJsonString().Should().Be("""{"method":"sft","train_on_inputs":"auto"}""");
    }

    [Fact]
    public async Task DpoSendsTheDocumentedTrainingMethod()
    {
        await Provider(server.BaseUrl).SubmitAsync(Submission("dpo", new JsonObject { ["beta"] = 0.2 }), default);

        server.Jobs.Single().Request["training_method"]!.ToJsonString().Should().Be("""{"method":"dpo","dpo_beta":0.2}""");
    }

    [Fact]
    public async Task ResubmittingAfterALostAnswerFindsTheJobInsteadOfCreatingAnother()
    {
        var provider = Provider(server.BaseUrl);
        var submission = Submission();
        server.FailNext(FakeTogetherRoute.Create, FakeTrainingFailure.LostAnswer());

        await provider.Invoking(p => p.SubmitAsync(submission, default)).Should().ThrowAsync<RetryableActivityException>();
        var submitted = await provider.SubmitAsync(submission, default);

        var job = server.Jobs.Should().ContainSingle("Together accepted the first create; a second would train (and bill) twice").Subject;
        submitted.ExternalJobId.Should().Be(job.Id);
        submitted.State["training_file"]!.GetValue<string>().Should().Be(server.Files.Single().Id);
        server.Requests.Count(r => r.Path == "/v1/files/upload").Should().Be(1);
    }

    [Fact]
    public async Task ResubmittingAfterAFailedCreateReusesTheUpload()
    {
        var provider = Provider(server.BaseUrl);
        var submission = Submission();
        server.FailNext(FakeTogetherRoute.Create, FakeTrainingFailure.ServerError());

        await provider.Invoking(p => p.SubmitAsync(submission, default)).Should().ThrowAsync<RetryableActivityException>();
        await provider.SubmitAsync(submission, default);

        var file = server.Files.Should().ContainSingle().Subject;
        ((string?)server.Jobs.Single().Request["training_file"]).Should().Be(file.Id);
    }

    [Fact]
    public async Task AnotherJobsSuffixIsNeverTakenForOurs()
    {
        var other = server.AddJob(TogetherFineTuneRequest.Suffix($"forge-{Guid.NewGuid()}"));

        var submitted = await Provider(server.BaseUrl).SubmitAsync(Submission(), default);

        submitted.ExternalJobId.Should().NotBe(other.Id);
        server.Jobs.Should().HaveCount(2);
    }

    [Fact]
    public async Task BadHyperparametersFailBeforeAnythingReachesTogether()
    {
        var submission = Submission(hyperparameters: new JsonObject { ["epochs"] = 3, ["warmup_steps"] = 100 });

        var failure = await Provider(server.BaseUrl).Invoking(p => p.SubmitAsync(submission, default)).Should().ThrowAsync<PermanentActivityException>();

        failure.Which.Message.Should().Contain("warmup_steps").And.Contain("warmup_ratio");
        server.Requests.Should().BeEmpty();
    }
}
