using System.Text;
using Forge.Shared.Training;

namespace Forge.Tests.Training;

public sealed class TrainingDataValidatorTests
{
    private const string Chat = """{"messages":[{"role":"system","content":"Você é útil."},{"role":"user","content":"Qual o prazo?"},{"role":"assistant","content":"Trinta dias."}]}""";
    private const string Dpo = """{"input":{"messages":[{"role":"user","content":"Qual o prazo?"}]},"preferred_output":[{"role":"assistant","content":"Trinta dias."}],"non_preferred_output":[{"role":"assistant","content":"Não sei."}]}""";

    private static Task<TrainingDataReport> Validate(IEnumerable<string> lines, TrainingRules rules) =>
        TrainingDataValidator.ValidateAsync(new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n")), rules, default);

    [Fact]
    public async Task TenWellFormedChatExamplesPass()
    {
        var report = await Validate(Enumerable.Repeat(Chat, 10), new TrainingRules(TrainingMethods.Sft));

        report.IsValid.Should().BeTrue(report.IsValid ? "" : report.Describe());
        report.Examples.Should().Be(10);
    }

    [Fact]
    public async Task EachBrokenLineIsNamedWithItsRule()
    {
        var lines = Enumerable.Repeat(Chat, 12).ToList();
        lines[2] = "{not json";
        lines[4] = """{"messages":[{"role":"user","content":"Só pergunta"}]}""";
        lines[6] = """{"messages":[{"role":"narrator","content":"x"},{"role":"assistant","content":"y"}]}""";
        lines[8] = """{"prompt":"x"}""";

        var report = await Validate(lines, new TrainingRules(TrainingMethods.Sft));

        report.IsValid.Should().BeFalse();
        report.Problems.Select(p => (p.Line, p.Rule)).Should().Equal((3, "json"), (5, "assistant"), (7, "roles"), (9, "messages"));
        report.Describe().Should().Contain("line 3: not valid JSON [json]").And.Contain("line 5:");
    }

    [Fact]
    public async Task TooFewExamplesAndTooLongOnesAreRefused()
    {
        var huge = Chat.Replace("Trinta dias.", new string('a', 400));

        var report = await Validate([Chat, huge], new TrainingRules(TrainingMethods.Sft, MaxTokensPerExample: 50));

        report.Problems.Select(p => p.Rule).Should().Equal("token_limit", "min_examples");
        report.Problems[0].Line.Should().Be(2);
        report.Problems[1].Message.Should().Contain("2 examples; at least 10");
    }

    [Fact]
    public async Task PreferencePairsNeedTheirPromptAndBothOutputs()
    {
        var lines = Enumerable.Repeat(Dpo, 10).ToList();
        lines.Add("""{"input":{"messages":[{"role":"user","content":"Q"}]},"preferred_output":[{"role":"assistant","content":"A"}]}""");
        lines.Add(Chat);

        var report = await Validate(lines, new TrainingRules(TrainingMethods.Dpo));

        report.Problems.Select(p => (p.Line, p.Rule)).Should().Equal((11, "dpo_output"), (12, "dpo_input"), (12, "dpo_output"), (12, "dpo_output"));
        (await Validate(Enumerable.Repeat(Dpo, 10), new TrainingRules(TrainingMethods.Dpo))).IsValid.Should().BeTrue();
        (await Validate(Enumerable.Repeat(Dpo, 10), new TrainingRules(TrainingMethods.Sft))).IsValid.Should().BeFalse("a preference file is not chat data");
    }

    [Fact]
    public async Task OnlyTheFirstProblemsAreListedButAllAreCounted()
    {
        var report = await Validate(Enumerable.Repeat("[]", 30), new TrainingRules(TrainingMethods.Sft, MaxProblemsListed: 5));

        report.Problems.Should().HaveCount(5);
        report.ProblemCount.Should().Be(30);
        report.Describe().Should().EndWith("(and 25 more)");
    }
}
