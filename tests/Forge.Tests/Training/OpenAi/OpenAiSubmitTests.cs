using Forge.Shared.Durable;
using System.Text.Json.Nodes;
using Forge.Tests.Infrastructure;
using static Forge.Tests.Training.OpenAi.OpenAiTesting;

namespace Forge.Tests.Training.OpenAi;

public sealed class OpenAiSubmitTests : IAsyncLifetime
{
    private FakeOpenAiFineTuningServer server = null!;

    public async Task InitializeAsync() => server = await FakeOpenAiFineTuningServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task SubmitUploadsTheExportAndCreatesATaggedJobOnIt()
    {
        var submission = Submission(hyperparameters: new JsonObject { ["epochs"] = 3, ["batch_size"] = 8, ["learning_rate_multiplier"] = 1.8, ["seed"] = 42 });

        var submitted = await Provider(server.BaseUrl).SubmitAsync(submission, default);

        var upload = server.Requests.Single(r => r.Method == "POST" && r.Path == "/v1/files");
        upload.FileContent.Should().Equal(Export);
        upload.FileName.Should().Be($"{submission.JobName}-dataset.jsonl");
        upload.Form.Should().Contain("purpose", "fine-tune");
        var file = server.Files.Single();
        var job = server.Jobs.Single();
        submitted.ExternalJobId.Should().Be(job.Id);
        submitted.State["training_file"]!.GetValue<string>().Should().Be(file.Id);
        var body = job.Request;
        ((string?)body["training_file"]).Should().Be(file.Id);
        ((string?)body["model"]).Should().Be(BaseModel);
        ((string?)body["suffix"]).Should().Be(submission.JobName);
        body["metadata"]!.ToJsonString().Should().Be($$"""{"forge_job":"{{submission.JobName}}"}""");
        body["method"]!.ToJsonString().Should().Be(
            """{"type":"supervised","supervised":{"hyperparameters":{"n_epochs":3,"batch_size":8,"learning_rate_multiplier":1.8}}}""");
        ((long?)body["seed"]).Should().Be(42);
    }

    [Fact]
    public async Task DpoSendsItsMethodWithBeta()
    {
        await Provider(server.BaseUrl).SubmitAsync(Submission("dpo", new JsonObject { ["beta"] = 0.2 }), default);

        server.Jobs.Single().Request["method"]!.ToJsonString().Should().Be("""{"type":"dpo","dpo":{"hyperparameters":{"beta":0.2}}}""");
    }

    [Fact]
    public async Task HyperparametersLeftToOpenAiAreAcceptedAsAuto()
    {
        var provider = Provider(server.BaseUrl);

        var submitted = await provider.SubmitAsync(Submission(hyperparameters: new JsonObject { ["epochs"] = "auto" }), default);
        var snapshot = (await PollAsync(provider, submitted, 1)).Single();

        server.Jobs.Single().Request["method"]!["supervised"]!["hyperparameters"]!.ToJsonString().Should().Be("""{"n_epochs":"auto"}""");
        snapshot.Status.Should().Be("queued", "OpenAI answers \"auto\" until the job starts, and the SDK must read that");
    }

    [Fact]
    public async Task ResubmittingAfterALostAnswerFindsTheJobByItsMetadata()
    {
        var provider = Provider(server.BaseUrl);
        var submission = Submission();
        server.FailNext(FakeOpenAiRoute.Create, FakeTrainingFailure.LostAnswer());

        await provider.Invoking(p => p.SubmitAsync(submission, default)).Should().ThrowAsync<RetryableActivityException>();
        var submitted = await provider.SubmitAsync(submission, default);

        var job = server.Jobs.Should().ContainSingle("OpenAI accepted the first create; a second would train (and bill) twice").Subject;
        submitted.ExternalJobId.Should().Be(job.Id);
        server.Requests.Count(r => r.Method == "POST" && r.Path == "/v1/files").Should().Be(1);
        server.Requests.Last(r => r.Method == "GET" && r.Path == "/v1/fine_tuning/jobs").Query
            .Should().Contain("metadata[forge_job]", submission.JobName);
    }

    [Fact]
    public async Task ResubmittingAfterAFailedCreateReusesTheUpload()
    {
        var provider = Provider(server.BaseUrl);
        var submission = Submission();
        server.FailNext(FakeOpenAiRoute.Create, FakeTrainingFailure.ServerError());

        await provider.Invoking(p => p.SubmitAsync(submission, default)).Should().ThrowAsync<RetryableActivityException>();
        await provider.SubmitAsync(submission, default);

        var file = server.Files.Should().ContainSingle().Subject;
        ((string?)server.Jobs.Single().Request["training_file"]).Should().Be(file.Id);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnotherJobsMetadataIsNeverTakenForOurs(bool serverFilters)
    {
        server.FiltersByMetadata = serverFilters;
        var other = server.AddJob(new JsonObject { ["forge_job"] = $"forge-{Guid.NewGuid()}" });

        var submitted = await Provider(server.BaseUrl).SubmitAsync(Submission(), default);

        submitted.ExternalJobId.Should().NotBe(other.Id);
        server.Jobs.Should().HaveCount(2);
    }

    [Fact]
    public async Task BadHyperparametersFailBeforeAnythingReachesOpenAi()
    {
        var submission = Submission(hyperparameters: new JsonObject { ["learning_rate"] = 2e-5, ["epochs"] = 3 });

        var failure = await Provider(server.BaseUrl).Invoking(p => p.SubmitAsync(submission, default)).Should().ThrowAsync<PermanentActivityException>();

        failure.Which.Message.Should().Contain("learning_rate_multiplier");
        server.Requests.Should().BeEmpty();
    }
}
