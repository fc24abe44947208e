using System.Net;
using System.Text.Json;
using Forge.Shared.Data;
using Forge.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Tests.Datasets;

/// <summary>The Forge host with <c>openai</c> pointed at an in-process fake Chat Completions server, and quick durable retries.</summary>
public sealed class FakeProviderForgeApiFactory : ForgeApiFactory, IAsyncLifetime
{
    public FakeOpenAiServer Llm { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Llm = await FakeOpenAiServer.StartAsync();
        WithSetting("Forge:Ai:Providers:openai:ApiKey", "sk-test-key");
        WithSetting("Forge:Ai:Providers:openai:BaseUrl", Llm.BaseUrl.ToString());
        WithSetting("Forge:Ai:RequestTimeoutSeconds", "2");
        WithSetting("Forge:Durable:Retry:FirstDelaySeconds", "1");
        WithSetting("Forge:Durable:Retry:MaxDelaySeconds", "3");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await Llm.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>Generation through a configured provider, and every way its answers can go wrong.</summary>
public sealed class ProviderGenerationTests(FakeProviderForgeApiFactory factory) : IClassFixture<FakeProviderForgeApiFactory>
{
    private readonly HttpClient client = factory.CreateAuthenticatedClient();

    private async Task<(DatasetScenario Scenario, Guid DatasetId)> DatasetAsync(object? generationConfig = null)
    {
        var scenario = await new DatasetScenario(client).WithProcessedDocumentAsync();
        return (scenario, await scenario.CreateDatasetAsync("openai", generationConfig ?? new { model = "gpt-4", temperature = 0.7, max_tokens = 800 }));
    }

    private List<FakeChatRequest> RequestsSince(int count) => factory.Llm.Requests.Skip(count).ToList();

    [Fact]
    public async Task TheRenderedTemplateAndSettingsReachTheModelAndUsageIsRecorded()
    {
        var (scenario, datasetId) = await DatasetAsync();
        var before = factory.Llm.Requests.Count;

        var dataset = await scenario.GenerateAsync(datasetId);

        var requests = RequestsSince(before);
        requests.Should().HaveCount(scenario.SegmentIds.Count);
        requests.Should().OnlyContain(r => r.Authorization == "Bearer sk-test-key");
        requests.Should().OnlyContain(r => r.Model == "gpt-4");
        requests.Should().OnlyContain(r => r.Body["temperature"]!.GetValue<double>() == 0.7);
        requests.Should().OnlyContain(r => r.SystemMessage!.StartsWith("Você é um assistente útil."));
        requests.Should().OnlyContain(r => r.UserMessage!.StartsWith("Contexto: "));
        requests.Select(r => r.UserMessage).Should().Contain(m => m!.Contains("trinta dias após a compra"));
        requests.Should().OnlyContain(r => r.Body["response_format"]!["type"]!.GetValue<string>() == "json_schema");

        dataset.GetProperty("status").GetString().Should().Be("ready");
        dataset.GetProperty("total_items").GetInt32().Should().Be(scenario.SegmentIds.Count);
        dataset.GetProperty("generation").GetProperty("generator").GetString().Should().Be("openai");
        var usage = dataset.GetProperty("usage");
        usage.GetProperty("prompt_tokens").GetInt64().Should().BeGreaterThan(0);
        usage.GetProperty("total_tokens").GetInt64().Should().Be(usage.GetProperty("prompt_tokens").GetInt64() + usage.GetProperty("completion_tokens").GetInt64());
        var item = (await scenario.PendingAsync(datasetId))[0];
        item.GetProperty("generator").GetString().Should().Be("openai");
        item.GetProperty("model").GetString().Should().Be("gpt-4-2024-07-18");
        item.GetProperty("ideal_response").GetString().Should().Be("A grounded answer from the fake model.");
        item.GetProperty("quality_flags").GetProperty("grounded").GetBoolean().Should().BeFalse("the fake's answer is not in the segment");
    }

    [Fact]
    public async Task ThrottledAndFailingCallsAreRetriedWithoutLosingOrDuplicatingItems()
    {
        var (scenario, datasetId) = await DatasetAsync();
        var before = factory.Llm.Requests.Count;
        factory.Llm.Enqueue(FakeChatReply.RateLimited(1), FakeChatReply.ServerError());

        var dataset = await scenario.GenerateAsync(datasetId, batchSize: 2);

        dataset.GetProperty("status").GetString().Should().Be("ready", dataset.GetRawText());
        dataset.GetProperty("total_items").GetInt32().Should().Be(scenario.SegmentIds.Count);
        RequestsSince(before).Should().HaveCount(scenario.SegmentIds.Count + 2, "only the two failed calls are asked again");
        var keys = await factory.WithScopeAsync(sp => sp.GetRequiredService<ForgeDbContext>().DatasetItems.Where(i => i.DatasetId == datasetId)
            .Select(i => i.SegmentId).ToListAsync());
        keys.Should().BeEquivalentTo(scenario.SegmentIds);
    }

    [Fact]
    public async Task AThrottledCallWaitsForRetryAfter()
    {
        var (scenario, datasetId) = await DatasetAsync();
        factory.Llm.Enqueue(FakeChatReply.RateLimited(2));
        var started = DateTime.UtcNow;

        await scenario.GenerateAsync(datasetId, segmentIds: [scenario.SegmentIds[0]]);

        (DateTime.UtcNow - started).Should().BeGreaterThan(TimeSpan.FromSeconds(2), "the engine waits Retry-After, not its 100 ms backoff");
        (await scenario.PendingAsync(datasetId)).Should().HaveCount(1);
    }

    [Fact]
    public async Task MalformedAnswersAreAskedAgainThenSkippedWithTheReasonCounted()
    {
        var (scenario, datasetId) = await DatasetAsync();
        factory.Llm.Enqueue(FakeChatReply.NotJson(), FakeChatReply.Truncated(), FakeChatReply.NotJson());

        var skipped = await scenario.GenerateAsync(datasetId, segmentIds: [scenario.SegmentIds[0]]);

        skipped.GetProperty("status").GetString().Should().Be("ready");
        skipped.GetProperty("total_items").GetInt32().Should().Be(0);
        var generation = skipped.GetProperty("generation");
        generation.GetProperty("items_skipped").GetInt32().Should().Be(1);
        generation.GetProperty("skipped_reasons").GetProperty("malformed_output").GetInt32().Should().Be(1);
        skipped.GetProperty("usage").GetProperty("prompt_tokens").GetInt64().Should().BeGreaterThan(0, "the unusable answers were billed");

        factory.Llm.Enqueue(FakeChatReply.NotJson());
        var recovered = await scenario.GenerateAsync(datasetId, segmentIds: [scenario.SegmentIds[0]]);

        recovered.GetProperty("total_items").GetInt32().Should().Be(1, "a new generation tries skipped keys again, and one bad answer is asked again");
        recovered.GetProperty("generation").GetProperty("items_skipped").GetInt32().Should().Be(0);
    }

    [Fact]
    public async Task ASlowModelTimesOutAndIsAskedAgain()
    {
        var (scenario, datasetId) = await DatasetAsync();
        var before = factory.Llm.Requests.Count;
        factory.Llm.Enqueue(FakeChatReply.Slow(TimeSpan.FromSeconds(6)));

        var dataset = await scenario.GenerateAsync(datasetId, segmentIds: [scenario.SegmentIds[0]]);

        dataset.GetProperty("total_items").GetInt32().Should().Be(1, dataset.GetRawText());
        RequestsSince(before).Should().HaveCount(2);
    }

    [Fact]
    public async Task ARefusedKeyFailsTheGenerationWithTheProvidersMessage()
    {
        var (scenario, datasetId) = await DatasetAsync();
        factory.Llm.Enqueue(FakeChatReply.Unauthorized());

        var dataset = await scenario.GenerateAsync(datasetId, segmentIds: [scenario.SegmentIds[0]]);

        dataset.GetProperty("status").GetString().Should().Be("draft", "it has no items");
        dataset.GetProperty("generation_error").GetString().Should().Contain("401");
        dataset.GetProperty("generation").GetProperty("error").GetString().Should().Contain("401");
        (await DatasetScenario.Expect(await client.PostAsync("/api/v1/datasets/generate",
            JsonContent(new { dataset_id = datasetId, segment_ids = new[] { scenario.SegmentIds[0] } })), HttpStatusCode.Accepted))
            .GetProperty("status").GetString().Should().Be("generating", "a failed generation can be started again");
        (await scenario.WaitForGenerationAsync(datasetId)).GetProperty("total_items").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task AGenerationIsCancelledKeepingTheItemsAlreadyMade()
    {
        var (scenario, datasetId) = await DatasetAsync(new { items_per_segment = 20 });
        factory.Llm.Latency = TimeSpan.FromMilliseconds(300);
        try
        {
            await DatasetScenario.Expect(await client.PostAsync("/api/v1/datasets/generate", JsonContent(new { dataset_id = datasetId, batch_size = 5 })), HttpStatusCode.Accepted);
            await Poll.UntilAsync(async () => (await DatasetScenario.Json(await client.GetAsync($"/api/v1/datasets/{datasetId}"))).GetProperty("total_items").GetInt32(),
                total => total > 0, "the first items");

            var cancelling = await DatasetScenario.Expect(await client.PostAsync($"/api/v1/datasets/{datasetId}/generate/cancel", null), HttpStatusCode.Accepted);
            var ended = await scenario.WaitForGenerationAsync(datasetId);

            cancelling.GetProperty("id").GetGuid().Should().Be(datasetId);
            ended.GetProperty("status").GetString().Should().Be("ready");
            ended.GetProperty("generation_error").GetString().Should().Be("Generation was cancelled");
            ended.GetProperty("total_items").GetInt32().Should().BeInRange(1, scenario.SegmentIds.Count * 20 - 1);
            (await client.PostAsync($"/api/v1/datasets/{datasetId}/generate/cancel", null)).StatusCode.Should().Be(HttpStatusCode.Conflict);
            (await client.PostAsync($"/api/v1/datasets/{Guid.NewGuid()}/generate/cancel", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        }
        finally
        {
            factory.Llm.Latency = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task ReviewingEverythingWhileTheGenerationRunsExportsWhenItEnds()
    {
        var scenario = await new DatasetScenario(client).WithProcessedDocumentAsync();
        var datasetId = await scenario.CreateDatasetAsync("openai", autoExport: true);
        // One key is answered at once; the other gets only malformed answers, the first of them slow (within the 2 s timeout), and is skipped.
        factory.Llm.Enqueue(FakeChatReply.Ok(), FakeChatReply.NotJson() with { Delay = TimeSpan.FromSeconds(1.5) }, FakeChatReply.NotJson(), FakeChatReply.NotJson());

        await DatasetScenario.Expect(await client.PostAsync("/api/v1/datasets/generate",
            JsonContent(new { dataset_id = datasetId, segment_ids = scenario.SegmentIds.Take(2), batch_size = 1 })), HttpStatusCode.Accepted);
        var first = await Poll.UntilAsync(() => scenario.PendingAsync(datasetId), items => items.Count == 1, "the first item");
        await DatasetScenario.Expect(await client.PostAsync($"/api/v1/dataset/review/{first[0].GetProperty("id").GetGuid()}/approve", null), HttpStatusCode.OK);
        var midway = await DatasetScenario.Expect(await client.GetAsync($"/api/v1/datasets/{datasetId}/exports"), HttpStatusCode.OK);
        var dataset = await scenario.WaitForGenerationAsync(datasetId);
        dataset.GetProperty("generation_error").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null, dataset.GetRawText());
        var exports = await Poll.UntilAsync(async () => await DatasetScenario.Expect(await client.GetAsync($"/api/v1/datasets/{datasetId}/exports"), HttpStatusCode.OK),
            e => e.GetArrayLength() == 1 && e[0].GetProperty("status").GetString() == "completed", "the automatic export after the generation");

        midway.GetArrayLength().Should().Be(0, "more items could still come while generating");
        dataset.GetProperty("generation").GetProperty("items_skipped").GetInt32().Should().Be(1);
        exports[0].GetProperty("trigger").GetString().Should().Be("auto");
        exports[0].GetProperty("item_count").GetInt32().Should().Be(1);
    }

    private static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}
