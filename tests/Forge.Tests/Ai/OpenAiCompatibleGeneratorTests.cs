using System.Text.Json.Nodes;
using Forge.Shared.Ai;
using Forge.Tests.Infrastructure;

namespace Forge.Tests.Ai;

public sealed class OpenAiCompatibleGeneratorTests : IAsyncLifetime
{
    private const string Key = "sk-test-0123456789";
    private const string UserPrompt = "Create one item from this text:\nP: Qual o prazo de entrega?\nR: Até 5 dias úteis.";

    private FakeOpenAiServer server = null!;

    public async Task InitializeAsync() => server = await FakeOpenAiServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task AnswerBecomesTheItemWithTheProvidersUsageAndTheModelThatAnswered()
    {
        server.Enqueue(FakeChatReply.Ok() with { PromptTokens = 123, CompletionTokens = 45 });

        var result = await Generator().GenerateAsync(Prompt(settings: new GenerationSettings(Model: "gpt-4.1-mini")), default);

        result.Generator.Should().Be("openai");
        result.Model.Should().Be("gpt-4.1-mini-2024-07-18", "the provider's echo names the snapshot that ran");
        result.Usage.Should().Be(new TokenUsage(123, 45));
        result.Item.Instruction.Should().Be("Answer the question using the text.");
        result.Item.InputText.Should().Be(UserPrompt, "the fake model echoes the user message, so the segment reached it");
        result.Item.IdealResponse.Should().Be("A grounded answer from the fake model.");
        result.Item.BadResponse.Should().Be("An unhelpful answer.");
        result.Item.Explanation.Should().Be("The ideal response uses the text.");
    }

    [Fact]
    public async Task RequestCarriesTheKeyTheSettingsAndAStrictSchema()
    {
        await Generator().GenerateAsync(Prompt(settings: new GenerationSettings("gpt-4.1-mini", 0.3, 512)), default);

        var request = server.Requests.Should().ContainSingle().Subject;
        request.Path.Should().Be("/v1/chat/completions");
        request.Authorization.Should().Be($"Bearer {Key}");
        request.Model.Should().Be("gpt-4.1-mini");
        request.Body["temperature"]!.GetValue<double>().Should().BeApproximately(0.3, 1e-6);
        request.Body["max_completion_tokens"]!.GetValue<int>().Should().Be(512);
        var format = request.Body["response_format"]!;
        format["type"]!.GetValue<string>().Should().Be("json_schema");
        format["json_schema"]!["name"]!.GetValue<string>().Should().Be("training_item");
        format["json_schema"]!["strict"]!.GetValue<bool>().Should().BeTrue();
        var schema = format["json_schema"]!["schema"]!;
        schema["required"]!.AsArray().Select(n => n!.GetValue<string>()).Should()
            .BeEquivalentTo("instruction", "input_text", "ideal_response", "bad_response", "explanation");
        schema["additionalProperties"]!.GetValue<bool>().Should().BeFalse();
        request.SystemMessage.Should().StartWith(PromptTemplate.DefaultSystemPrompt).And.Contain("\"ideal_response\"");
        request.UserMessage.Should().Be(UserPrompt);
    }

    [Fact]
    public async Task UnsetSettingsAreLeftToTheProvider()
    {
        await Generator().GenerateAsync(Prompt(), default);

        var body = server.Requests.Single().Body;
        body.ContainsKey("temperature").Should().BeFalse();
        body.ContainsKey("max_completion_tokens").Should().BeFalse();
        body.ContainsKey("max_tokens").Should().BeFalse();
    }

    [Fact]
    public async Task WithoutADatasetModelTheProvidersModelIsUsedThenGpt4oMini()
    {
        await Generator(defaultModel: "gemini-2.0-flash").GenerateAsync(Prompt(), default);
        await Generator().GenerateAsync(Prompt(), default);

        server.Requests.Select(r => r.Model).Should().Equal("gemini-2.0-flash", "gpt-4o-mini");
    }

    [Fact]
    public async Task TheTemplatesSystemPromptReplacesTheDefaultButKeepsTheJsonInstruction()
    {
        await Generator().GenerateAsync(Prompt(system: "Você cria dados de treino para atendimento."), default);

        var system = server.Requests.Single().SystemMessage;
        system.Should().StartWith("Você cria dados de treino para atendimento.").And.NotContain(PromptTemplate.DefaultSystemPrompt);
        system.Should().Contain("\"instruction\"").And.Contain("\"bad_response\"");
    }

    [Fact]
    public async Task LaterVariantsAskForADifferentAspect()
    {
        await Generator().GenerateAsync(Prompt(variant: 0), default);
        await Generator().GenerateAsync(Prompt(variant: 2), default);

        var users = server.Requests.Select(r => r.UserMessage).ToList();
        users[0].Should().Be(UserPrompt);
        users[1].Should().StartWith(UserPrompt).And.Contain("Variation 3").And.Contain("different aspect");
    }

    [Theory]
    [InlineData(StructuredOutputMode.JsonObject, "json_object")]
    [InlineData(StructuredOutputMode.None, null)]
    public async Task ServersWithoutSchemasGetJsonModeOrNoFormat(StructuredOutputMode mode, string? expectedType)
    {
        var result = await Generator(mode).GenerateAsync(Prompt(), default);

        result.Item.IdealResponse.Should().NotBeEmpty();
        server.Requests.Single().Body["response_format"]?["type"]?.GetValue<string>().Should().Be(expectedType);
    }

    [Theory]
    [InlineData("eos")]
    [InlineData("end_turn")]
    [InlineData(null)]
    public async Task CompatibleServersOwnFinishReasonsDoNotLoseTheItem(string? finishReason)
    {
        server.Enqueue(FakeChatReply.Ok() with { FinishReason = finishReason });

        var result = await Generator().GenerateAsync(Prompt(), default);

        result.Item.InputText.Should().Be(UserPrompt);
    }

    [Fact]
    public async Task ACompatibleServersTokenLimitReasonReadsAsTruncated()
    {
        server.Enqueue(FakeChatReply.Ok() with { FinishReason = "MAX_TOKENS" });

        await Generator().Invoking(g => g.GenerateAsync(Prompt(), default))
            .Should().ThrowAsync<MalformedOutputException>().WithMessage("*truncated*");
    }

    [Fact]
    public async Task ABaseUrlWithATrailingSlashReachesTheSameEndpoint()
    {
        var generator = new OpenAiCompatibleGenerator("gemini", new OpenAiEndpoint(new Uri(server.BaseUrl + "/"), Key), TimeProvider.System);

        await generator.GenerateAsync(Prompt(), default);

        server.Requests.Single().Path.Should().Be("/v1/chat/completions");
    }

    [Fact]
    public async Task ConcurrentGenerationsAreNotSerialised()
    {
        server.Latency = TimeSpan.FromMilliseconds(1000);
        var generator = Generator();

        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => generator.GenerateAsync(Prompt(variant: i), default)));

        server.MaxConcurrentRequests.Should().Be(16);
    }

    private OpenAiCompatibleGenerator Generator(StructuredOutputMode mode = StructuredOutputMode.JsonSchema, string? defaultModel = null) =>
        GeneratorFor(server.BaseUrl, mode, defaultModel);

    internal static OpenAiCompatibleGenerator GeneratorFor(
        Uri baseUrl, StructuredOutputMode mode = StructuredOutputMode.JsonSchema, string? defaultModel = null, TimeSpan? timeout = null) =>
        new("openai", new OpenAiEndpoint(baseUrl, Key, defaultModel, mode, timeout ?? TimeSpan.FromSeconds(20)), TimeProvider.System);

    internal static GenerationPrompt Prompt(GenerationSettings? settings = null, int variant = 0, string? system = null) =>
        new(system, UserPrompt, "P: Qual o prazo de entrega?\nR: Até 5 dias úteis.", "faq",
            new JsonObject { ["question"] = "Qual o prazo de entrega?" }, variant, settings ?? new GenerationSettings());
}
