using Forge.Shared.Durable;
using System.Text.Json.Nodes;
using Forge.Shared.Training.Together;
using static Forge.Tests.Training.Together.TogetherTesting;

namespace Forge.Tests.Training.Together;

public sealed class TogetherFineTuneRequestTests
{
    [Fact]
    public void ForgeNamesMapToTogethersFields()
    {
        var body = TogetherFineTuneRequest.Create(Submission(hyperparameters: new JsonObject
        {
            ["epochs"] = 2, ["learning_rate"] = 1e-4, ["batch_size"] = "max", ["warmup_ratio"] = 0.1, ["max_grad_norm"] = 1.0,
            ["weight_decay"] = 0.01, ["n_checkpoints"] = 2, ["train_on_inputs"] = false,
        }));

        ((long?)body["n_epochs"]).Should().Be(2);
        ((double?)body["learning_rate"]).Should().Be(1e-4);
        ((string?)body["batch_size"]).Should().Be("max");
        ((double?)body["warmup_ratio"]).Should().Be(0.1);
        ((double?)body["max_grad_norm"]).Should().Be(1.0);
        ((double?)body["weight_decay"]).Should().Be(0.01);
        ((long?)body["n_checkpoints"]).Should().Be(2);
        body["training_method"]!.ToJsonString().Should().Be("""{"method":"sft","train_on_inputs":false}""");
        body.ContainsKey("training_type").Should().BeFalse("without LoRA settings Together picks its own adapter");
    }

    [Fact]
    public void UnsupportedNamesAreListedWithTheSupportedOnes()
    {
        var act = () => TogetherFineTuneRequest.Create(Submission(hyperparameters: new JsonObject { ["epochs"] = 1, ["dropout"] = 0.1, ["momentum"] = 0.9 }));

        act.Should().Throw<PermanentActivityException>()
            .Which.Message.Should().Contain("dropout, momentum").And.Contain("supported: epochs, learning_rate, batch_size");
    }

    [Fact]
    public void LoraWithARankSendsTheAdapterSettings()
    {
        var body = TogetherFineTuneRequest.Create(Submission(hyperparameters: new JsonObject { ["lora"] = true, ["lora_r"] = 16, ["lora_dropout"] = 0.05 }));

        body["training_type"]!.ToJsonString().Should().Be("""{"type":"Lora","lora_r":16,"lora_alpha":32,"lora_dropout":0.05}""");
    }

    [Fact]
    public void LoraOffTrainsEveryWeight()
    {
        var body = TogetherFineTuneRequest.Create(Submission(hyperparameters: new JsonObject { ["lora"] = false }));

        body["training_type"]!.ToJsonString().Should().Be("""{"type":"Full"}""");
    }

    [Fact]
    public void LoraSettingsWithoutARankAreRefused()
    {
        var act = () => TogetherFineTuneRequest.Create(Submission(hyperparameters: new JsonObject { ["lora_alpha"] = 32 }));

        act.Should().Throw<PermanentActivityException>().Which.Message.Should().Contain("lora_r");
    }

    [Fact]
    public void CosineSchedulerCarriesItsArguments()
    {
        var body = TogetherFineTuneRequest.Create(Submission(hyperparameters: new JsonObject { ["lr_scheduler"] = "cosine", ["min_lr_ratio"] = 0.1 }));

        body["lr_scheduler"]!.ToJsonString().Should().Be("""{"lr_scheduler_type":"cosine","lr_scheduler_args":{"min_lr_ratio":0.1,"num_cycles":0.5}}""");
    }

    [Theory]
    [InlineData("epochs", "2.5")]
    [InlineData("epochs", "\"3\"")]
    [InlineData("learning_rate", "0")]
    [InlineData("warmup_ratio", "1.5")]
    [InlineData("batch_size", "\"auto\"")]
    [InlineData("lora", "\"yes\"")]
    public void AValueOfTheWrongKindIsRefusedByName(string name, string json)
    {
        var act = () => TogetherFineTuneRequest.Create(Submission(hyperparameters: new JsonObject { [name] = JsonNode.Parse(json) }));

        act.Should().Throw<PermanentActivityException>().Which.Message.Should().Contain($"together: {name}").And.Contain(json);
    }

    [Fact]
    public void BetaBelongsToDpo()
    {
        var act = () => TogetherFineTuneRequest.Create(Submission("sft", new JsonObject { ["beta"] = 0.1 }));

        act.Should().Throw<PermanentActivityException>().Which.Message.Should().Contain("dpo");
    }

    [Fact]
    public void AnUnknownMethodIsRefused()
    {
        var act = () => TogetherFineTuneRequest.Create(Submission("ppo"));

        act.Should().Throw<PermanentActivityException>().Which.Message.Should().Contain("'ppo'");
    }

    [Theory]
    [InlineData("forge-job-1", "forge-job-1")]
    [InlineData("forge-0f8fad5b-d9cb-469f-a165-70867728950e", "forge-0f8fad5bd9cb469fa16570867728950e")]
    [InlineData("forge job/1", "forge-job-1")]
    public void SuffixIsTheJobNameInTogethersLimits(string jobName, string suffix)
    {
        TogetherFineTuneRequest.Suffix(jobName).Should().Be(suffix).And.HaveLength(suffix.Length).And.Match(s => s.Length <= 40);
    }

    [Fact]
    public void AnOverlongJobNameBecomesAStableHash()
    {
        var name = "forge-" + new string('x', 80);

        TogetherFineTuneRequest.Suffix(name).Should().HaveLength(40).And.StartWith("forge-").And.Be(TogetherFineTuneRequest.Suffix(name));
    }
}
