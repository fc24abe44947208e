using System.Net;
using System.Net.Http.Json;
using Forge.Tests.Datasets;
using Forge.Tests.Infrastructure;

namespace Forge.Tests.Training;

/// <summary>The Forge host with <c>together</c> pointed at the in-process fake Together server.</summary>
public sealed class FakeTogetherForgeApiFactory : ForgeApiFactory, IAsyncLifetime
{
    public FakeTogetherServer Together { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Together = await FakeTogetherServer.StartAsync();
        WithSetting("Forge:Training:Together:ApiKey", FakeTogetherServer.ApiKey);
        WithSetting("Forge:Training:Together:BaseUrl", Together.BaseUrl.ToString());
        WithSetting("Forge:Training:PollIntervalMs", "100");
        WithSetting("Forge:Durable:Retry:FirstDelaySeconds", "1");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await Together.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>Seed 001's training-job example, as written, run by the lifecycle against Together's protocol.</summary>
public sealed class TogetherLifecycleTests(FakeTogetherForgeApiFactory factory) : IClassFixture<FakeTogetherForgeApiFactory>
{
    private readonly HttpClient client = factory.CreateAuthenticatedClient();

    [Fact]
    public async Task TheSeedsExampleJobTrainsOnTogetherAndDeploysTheModel()
    {
        var scenario = await new TrainingScenario(client).ReadyAsync("together");
        factory.Together.FailNext(FakeTogetherRoute.Create, FakeTrainingFailure.LostAnswer());

        var created = await scenario.StartJobAsync("together", new { learning_rate = 2e-5, epochs = 3, batch_size = 8, warmup_steps = 100 });
        var ended = await scenario.WaitForEndAsync(created.GetProperty("id").GetGuid());

        ended.GetProperty("status").GetString().Should().Be("completed", ended.GetRawText());
        ended.GetProperty("external_job_id").GetString().Should().StartWith("ft-");
        ended.GetProperty("metrics").GetProperty("loss").GetDouble().Should().BeGreaterThan(0);
        var job = factory.Together.Jobs.Should().ContainSingle("the create whose answer was lost is found again on retry, not repeated").Subject;
        job.Request["n_epochs"]!.GetValue<int>().Should().Be(3);
        job.Request["warmup_ratio"]!.GetValue<double>().Should().BeInRange(0.0001, 1);
        job.Request["model"]!.GetValue<string>().Should().Be("llama-3.1-8b-instruct");
        factory.Together.Files.Should().ContainSingle().Which.Content.Length.Should().BeGreaterThan(0);
        var model = await DatasetScenario.Expect(await client.GetAsync($"/api/v1/models/{scenario.ModelId}"), HttpStatusCode.OK);
        model.GetProperty("status").GetString().Should().Be("deployed");
        model.GetProperty("config").GetProperty("fine_tuned_model").GetString().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task AnOutageLongerThanTheEngineRetriesDoesNotFailARunningJob()
    {
        var scenario = await new TrainingScenario(client).ReadyAsync("together");
        for (var i = 0; i < 7; i++)
        {
            factory.Together.FailNext(FakeTogetherRoute.Get, i % 2 == 0 ? FakeTrainingFailure.ServerError() : FakeTrainingFailure.RateLimited(0));
        }

        var jobId = (await scenario.StartJobAsync("together", new { epochs = 1 })).GetProperty("id").GetGuid();
        var ended = await scenario.WaitForEndAsync(jobId);

        ended.GetProperty("status").GetString().Should().Be("completed", ended.GetRawText());
        var events = await DatasetScenario.Expect(await client.GetAsync($"/api/v1/training-jobs/{jobId}/events"), HttpStatusCode.OK);
        events.EnumerateArray().Count(e => e.GetProperty("message").GetString()!.Contains("could not be asked")).Should().Be(7);
    }

    [Fact]
    public async Task HyperparametersTogetherDoesNotTakeAreRefusedWhenTheJobIsCreated()
    {
        var scenario = await new TrainingScenario(client).ReadyAsync("together");

        var response = await client.PostAsJsonAsync("/api/v1/training-jobs",
            new { model_id = scenario.ModelId, dataset_id = scenario.DatasetId, provider = "together", hyperparameters = new { epochs = 1, momentum = 0.9 } });

        (await DatasetScenario.Expect(response, HttpStatusCode.UnprocessableEntity)).GetProperty("details").GetProperty("hyperparameters").GetString()
            .Should().Contain("momentum").And.Contain("supported");
    }
}
