using Forge.Shared.Durable;
using System.Text.Json.Nodes;
using Forge.Shared.Training.OpenAi;
using static Forge.Tests.Training.OpenAi.OpenAiTesting;

namespace Forge.Tests.Training.OpenAi;

public sealed class OpenAiFineTuneRequestTests
{
    [Fact]
    public void UnsupportedNamesAreListedWithTheSupportedOnes()
    {
        var act = () => OpenAiFineTuneRequest.Create(Submission(hyperparameters: new JsonObject { ["epochs"] = 2, ["warmup_steps"] = 100, ["lora"] = true }));

        act.Should().Throw<PermanentActivityException>()
            .Which.Message.Should().Contain("warmup_steps, lora").And.Contain("supported: epochs, batch_size, learning_rate_multiplier, beta, seed");
    }

    [Fact]
    public void AnAbsoluteLearningRateIsRefusedWithTheMultiplierAsTheWayOut()
    {
        var act = () => OpenAiFineTuneRequest.Create(Submission(hyperparameters: new JsonObject { ["learning_rate"] = 2e-5 }));

        act.Should().Throw<PermanentActivityException>().Which.Message.Should().Contain("use learning_rate_multiplier");
    }

    [Theory]
    [InlineData("epochs", "0")]
    [InlineData("epochs", "2.5")]
    [InlineData("batch_size", "\"max\"")]
    [InlineData("learning_rate_multiplier", "-1")]
    [InlineData("seed", "\"x\"")]
    public void AValueOfTheWrongKindIsRefusedByName(string name, string json)
    {
        var act = () => OpenAiFineTuneRequest.Create(Submission("dpo", new JsonObject { [name] = JsonNode.Parse(json) }));

        act.Should().Throw<PermanentActivityException>().Which.Message.Should().Contain($"openai: {name}").And.Contain(json);
    }

    [Fact]
    public void EveryHyperparameterMayBeLeftToOpenAi()
    {
        var body = OpenAiFineTuneRequest.Create(Submission("dpo", new JsonObject
        {
            ["epochs"] = "auto", ["batch_size"] = "auto", ["learning_rate_multiplier"] = "auto", ["beta"] = "auto",
        }));

        body["method"]!.ToJsonString().Should().Be(
            """{"type":"dpo","dpo":{"hyperparameters":{"n_epochs":"auto","batch_size":"auto","learning_rate_multiplier":"auto","beta":"auto"}}}""");
    }

    [Fact]
    public void BetaBelongsToDpo()
    {
        var act = () => OpenAiFineTuneRequest.Create(Submission("sft", new JsonObject { ["beta"] = 0.1 }));

        act.Should().Throw<PermanentActivityException>().Which.Message.Should().Contain("dpo");
    }

    [Fact]
    public void AnUnknownMethodIsRefused()
    {
        var act = () => OpenAiFineTuneRequest.Create(Submission("rlhf"));

        act.Should().Throw<PermanentActivityException>().Which.Message.Should().Contain("'rlhf'");
    }

    [Theory]
    [InlineData("forge-0f8fad5b-d9cb-469f-a165-70867728950e", "forge-0f8fad5b-d9cb-469f-a165-70867728950e")]
    [InlineData("forge job/1", "forge-job-1")]
    public void SuffixIsTheJobNameInAModelNamesCharacters(string jobName, string suffix) =>
        OpenAiFineTuneRequest.Suffix(jobName).Should().Be(suffix);

    [Fact]
    public void AnOverlongSuffixIsCutToOpenAisLimit() =>
        OpenAiFineTuneRequest.Suffix(new string('x', 100)).Should().HaveLength(64);
}
