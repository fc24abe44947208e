using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Tests.Datasets;
using Forge.Tests.Infrastructure;

namespace Forge.Tests.TrainingPairs;

/// <summary>The Forge host with <c>openai</c> pointed at the fake Chat Completions server, quick retries and two attempts.</summary>
public sealed class PairGenerationForgeApiFactory : ForgeApiFactory, IAsyncLifetime
{
    public FakeOpenAiServer Llm { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Llm = await FakeOpenAiServer.StartAsync();
        Llm.Default = FakeChatReply.WithContent(TrainingPairGenerationTests.Script("Kamu wajib coba ini! 🔥"));
        WithSetting("Forge:Ai:Providers:openai:ApiKey", "sk-test-key");
        WithSetting("Forge:Ai:Providers:openai:BaseUrl", Llm.BaseUrl.ToString());
        WithSetting("Forge:Ai:RequestTimeoutSeconds", "5");
        WithSetting("Forge:Durable:Retry:FirstDelaySeconds", "1");
        WithSetting("Forge:Durable:Retry:MaxDelaySeconds", "1");
        WithSetting("Forge:Durable:Retry:MaxAttempts", "2");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await Llm.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>Generation through the durable lifecycle with the configured provider: structured output asked for, answers checked.</summary>
public sealed class TrainingPairGenerationTests(PairGenerationForgeApiFactory factory) : IClassFixture<PairGenerationForgeApiFactory>
{
    private readonly HttpClient client = factory.CreateAuthenticatedClient("alice");

    public static string Script(string voiceover, string timestamp = "0-3s", bool hooks = true) => new JsonObject
    {
        ["hooks"] = hooks
            ? new JsonArray(new JsonObject
            {
                ["hook_variant"] = 1, ["scene_number"] = 1, ["scene_type"] = "Hook", ["timestamp"] = timestamp,
                ["text_overlay"] = "Rahasia kopi enak", ["voiceover"] = voiceover, ["visual"] = "Close-up cangkir", ["tip"] = "Tahan 3 detik",
            })
            : new JsonArray(),
        ["script_body"] = new JsonArray(new JsonObject
        {
            ["scene_number"] = 2, ["scene_type"] = "Main Content", ["timestamp"] = "3-30s",
            ["text_overlay"] = "Langkah 1", ["voiceover"] = "Giling kopi sesaat sebelum diseduh.", ["visual"] = "B-roll", ["tip"] = null,
        }),
    }.ToJsonString();

    private async Task<JsonElement> GenerateAsync(object request)
    {
        var started = await DatasetScenario.Expect(await client.PostAsJsonAsync("/api/v1/training/generate", request), HttpStatusCode.Accepted);
        var runId = started.GetProperty("run_id").GetGuid();
        return await Poll.UntilAsync(async () => await DatasetScenario.Json(await client.GetAsync($"/api/v1/training/generate/{runId}")),
            r => r.GetProperty("status").GetString() is "completed" or "failed" or "cancelled", "the generation to end");
    }

    [Fact]
    public async Task TopicsBecomePendingPairsFromTheProvidersStructuredAnswer()
    {
        var before = factory.Llm.Requests.Count;
        var run = await GenerateAsync(new
        {
            topics = new[] { "Kopi susu gula aren", "Pão de queijo" },
            category = "Kuliner", duration_seconds = 60, target_audience = "Gen Z", content_style = "Santai", hashtags = new[] { "#kopi" },
        });

        run.GetProperty("status").GetString().Should().Be("completed", run.ToString());
        run.GetProperty("pairs_created").GetInt32().Should().Be(2);
        var requests = factory.Llm.Requests.Skip(before).ToList();
        requests.Should().HaveCount(2);
        requests.Should().OnlyContain(r => r.Body["response_format"]!["type"]!.GetValue<string>() == "json_schema");
        requests.Should().OnlyContain(r => r.Authorization == "Bearer sk-test-key");
        var pairs = new List<JsonElement>();
        foreach (var id in run.GetProperty("pair_ids").EnumerateArray())
        {
            pairs.Add(await DatasetScenario.Expect(await client.GetAsync($"/api/v1/training/{id.GetGuid()}"), HttpStatusCode.OK));
        }
        pairs.Select(p => p.GetProperty("topic").GetString()).Should().BeEquivalentTo("Kopi susu gula aren", "Pão de queijo");
        pairs.Should().OnlyContain(p => p.GetProperty("status").GetString() == "PENDING" && p.GetProperty("created_by").GetString() == "alice"
            && p.GetProperty("category").GetString() == "Kuliner" && p.GetProperty("duration_seconds").GetInt32() == 60);
        pairs[0].GetProperty("hook_variants")[0].GetProperty("voiceover").GetString().Should().Be("Kamu wajib coba ini! 🔥");
        pairs[0].GetProperty("scenes")[0].GetProperty("timestamp").GetString().Should().Be("3-30s");
        pairs[0].GetProperty("hashtags")[0].GetProperty("name").GetString().Should().Be("#kopi");
        requests.Select(r => r.UserMessage).Should().Contain(m => m!.Contains("Pão de queijo") && m.Contains("Gen Z"));
        pairs.Select(p => p.GetProperty("user_prompt").GetString()).Should().BeEquivalentTo(requests.Select(r => r.UserMessage));

        // The run and its pairs are alice's: bob is told neither exists.
        var bob = factory.CreateAuthenticatedClient("bob");
        await DatasetScenario.Expect(await bob.GetAsync($"/api/v1/training/generate/{run.GetProperty("run_id").GetGuid()}"), HttpStatusCode.NotFound);
        await DatasetScenario.Expect(await bob.GetAsync($"/api/v1/training/{pairs[0].GetProperty("id").GetGuid()}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AMalformedAnswerIsAskedAgain()
    {
        var before = factory.Llm.Requests.Count;
        factory.Llm.Enqueue(FakeChatReply.NotJson());

        var run = await GenerateAsync(new { topics = new[] { "Tips hemat" } });

        run.GetProperty("status").GetString().Should().Be("completed", run.ToString());
        run.GetProperty("pairs_created").GetInt32().Should().Be(1);
        factory.Llm.Requests.Count.Should().Be(before + 2);
    }

    [Fact]
    public async Task AnswersThatFailTheChecksFailTheRunWithTheReasonAndStoreNothing()
    {
        factory.Llm.Enqueue(FakeChatReply.WithContent(Script("x", hooks: false)), FakeChatReply.WithContent(Script("x", timestamp: "awal")));

        var run = await GenerateAsync(new { topics = new[] { "Tips hemat" } });

        run.GetProperty("status").GetString().Should().Be("failed");
        run.GetProperty("error").GetString().Should().Contain("timestamp 'awal'");
        run.GetProperty("pairs_created").GetInt32().Should().Be(0);
    }

    [Fact]
    public async Task AnAnswerWithMoreThanAHundredHooksOrScenesIsMalformedAndStoresNothing()
    {
        factory.Llm.Enqueue(FakeChatReply.WithContent(ScriptLines.Script(101, 1)), FakeChatReply.WithContent(ScriptLines.Script(1, 2_000)));

        var run = await GenerateAsync(new { topics = new[] { "Tips hemat" } });

        run.GetProperty("status").GetString().Should().Be("failed");
        run.GetProperty("error").GetString().Should().Contain("'script_body' holds 2000 items; at most 100");
        run.GetProperty("pairs_created").GetInt32().Should().Be(0);
    }

    [Fact]
    public async Task AnUnconfiguredProviderIs422()
    {
        var error = await DatasetScenario.Expect(await client.PostAsJsonAsync("/api/v1/training/generate", new { topics = new[] { "x" }, provider = "gemini" }),
            HttpStatusCode.UnprocessableEntity);
        error.GetProperty("details").GetProperty("provider").GetString().Should().Contain("gemini").And.Contain("openai");
    }
}
