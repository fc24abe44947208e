using Forge.Shared.Ai;
using Forge.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Forge.Tests.Ai;

public sealed class ItemGeneratorsTests
{
    [Fact]
    public void ProviderWithAKeyGetsOneSharedOpenAiCompatibleGenerator()
    {
        var generators = Generators(("openai", new AiProviderOptions { ApiKey = "sk-1" }));

        var generator = generators.For("openai");

        generator.Should().BeOfType<OpenAiCompatibleGenerator>().Which.Name.Should().Be("openai");
        generators.For("OpenAI").Should().BeSameAs(generator, "one client per provider shares its connections");
    }

    [Theory]
    [InlineData("gemini")]
    [InlineData("together")]
    public void ProviderWithoutAKeyGetsTheExtractiveGeneratorAndSaysWhere(string provider)
    {
        var generators = Generators(("openai", new AiProviderOptions { ApiKey = "sk-1" }), (provider, new AiProviderOptions { Model = "m" }));

        generators.For(provider).Should().BeOfType<ExtractiveGenerator>();
        generators.Describe(provider).Should().Be(
            $"no API key configured for '{provider}' (Forge:Ai:Providers:{provider}:ApiKey); using the extractive generator");
    }

    [Fact]
    public void ExtractiveIsExtractiveEvenWithKeysConfigured()
    {
        var generators = Generators(("openai", new AiProviderOptions { ApiKey = "sk-1" }), ("extractive", new AiProviderOptions { ApiKey = "x" }));

        generators.For("extractive").Should().BeSameAs(generators.Extractive);
        generators.Describe("extractive").Should().Contain("extractive generator was asked for");
    }

    [Fact]
    public void BuiltInProvidersHaveTheirPublicEndpointAndTheKeyIsNeverDescribed()
    {
        var generators = Generators(("gemini", new AiProviderOptions { ApiKey = "secret-gemini-key", Model = "gemini-2.0-flash" }));

        var description = generators.Describe("gemini");

        description.Should().Contain("https://generativelanguage.googleapis.com/v1beta/openai/").And.Contain("gemini-2.0-flash");
        description.Should().NotContain("secret-gemini-key");
    }

    [Fact]
    public void AzureOpenAiWithAKeyButNoBaseUrlIsAConfigurationError()
    {
        var generators = Generators(("azure_openai", new AiProviderOptions { ApiKey = "azure-key" }));

        generators.Invoking(g => g.For("azure_openai")).Should().Throw<OptionsValidationException>()
            .WithMessage("*Forge:Ai:Providers:azure_openai:BaseUrl is required*openai.azure.com/openai/v1/*");
    }

    [Fact]
    public void InvalidSettingsFailValidationAtStart()
    {
        using var services = Services(new Dictionary<string, string?>
        {
            ["Forge:Ai:Providers:openai:ApiKey"] = "sk-1",
            ["Forge:Ai:Providers:openai:StructuredOutput"] = "xml",
            ["Forge:Ai:Providers:azure_openai:ApiKey"] = "azure-key",
        });

        var failure = FluentActions.Invoking(() => services.GetRequiredService<IOptions<AiOptions>>().Value)
            .Should().Throw<OptionsValidationException>().Which;

        failure.Failures.Should().HaveCount(2);
        failure.Message.Should().Contain("StructuredOutput must be json_schema, json_object or none").And.Contain("azure_openai:BaseUrl is required");
    }

    [Fact]
    public async Task AnyCompatibleServerConfiguredByKeysIsUsedWithItsModelAndKey()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        using var services = Services(new Dictionary<string, string?>
        {
            ["Forge:Ai:Providers:local:ApiKey"] = "local-key",
            ["Forge:Ai:Providers:local:BaseUrl"] = server.BaseUrl.ToString(),
            ["Forge:Ai:Providers:local:Model"] = "llama-3.1-8b",
            ["Forge:Ai:Providers:local:StructuredOutput"] = "json_object",
        });

        var result = await services.GetRequiredService<ItemGenerators>().For("local").GenerateAsync(OpenAiCompatibleGeneratorTests.Prompt(), default);

        result.Generator.Should().Be("local");
        var request = server.Requests.Should().ContainSingle().Subject;
        request.Model.Should().Be("llama-3.1-8b");
        request.Authorization.Should().Be("Bearer local-key");
        request.Body["response_format"]!["type"]!.GetValue<string>().Should().Be("json_object");
    }

    private static ItemGenerators Generators(params (string Name, AiProviderOptions Options)[] providers)
    {
        var options = new AiOptions();
        foreach (var (name, provider) in providers)
        {
            options.Providers[name] = provider;
        }
        return new ItemGenerators(Options.Create(options), TimeProvider.System);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddForgeAi(configuration).BuildServiceProvider();
    }
}
