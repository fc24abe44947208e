using System.Text;
using System.Text.Json.Nodes;
using Forge.Shared.Ai;
using Forge.Shared.Text;
using Forge.Shared.Text.Segmentation;

namespace Forge.Tests.Ai;

/// <summary>
/// FAQ text shaped to make the answer marker backtrack (issue 10): 100 KB of <c>"*\n"</c> lines. Only the output is
/// checked here; how long it takes, against a normal FAQ of the same size, is bench/Forge.Bench's <c>regex</c> benchmark.
/// </summary>
public sealed class CraftedFaqTextTests
{
    private const int StarLines = 50_000;

    public static string Stars { get; } = new StringBuilder(StarLines * 2).Insert(0, "*\n", StarLines).ToString();

    [Fact]
    public void StarLinesWithoutAnAnswerMarkerLeaveTheTextAfterThemAsTheAnswer()
    {
        var item = Faq("Q: Do you ship abroad?\n" + Stars + "Yes, to 30 countries.", "Do you ship abroad?");

        item.InputText.Should().Be("Do you ship abroad?");
        item.IdealResponse.Should().Be("Yes, to 30 countries.");
    }

    [Fact]
    public void StarLinesBeforeAnAnswerMarkerAreNotPartOfTheAnswer()
    {
        var item = Faq("P: Aceitam Pix?\n" + Stars + "R: Sim, até às 22h.", "Aceitam Pix?");

        item.IdealResponse.Should().Be("Sim, até às 22h.");
    }

    [Fact]
    public void AMarkerLetterOnALineOfItsOwnIsNotAnAnswerMarkerWithTheColonOnTheNextLine()
    {
        // With whitespace that crossed lines, "A" and the ":" below it read as one marker and cut the answer there.
        var item = Faq("Q: Which plan do you recommend?\nPlan A\nA\n: the basic one, for most teams.", "Which plan do you recommend?");

        item.IdealResponse.Should().Be("Plan A A : the basic one, for most teams.");
    }

    [Fact]
    public void OnlyStarLinesMakeNoItem()
    {
        FluentActions.Invoking(() => Faq("Q: Do you ship abroad?\n" + Stars, "Do you ship abroad?"))
            .Should().Throw<GenerationSkippedException>().Which.Reason.Should().Be(ExtractiveGenerator.SegmentTooShort);
    }

    [Fact]
    public void FaqSegmenterKeepsTheStarLinesInsideTheirPair()
    {
        // 80 KB of them, so that the pair fits in one segment.
        var text = "Q: Do you ship abroad?\n" + Stars[..80_000] + "A: Yes, to 30 countries.\nQ: Do you take Pix?\nA: Yes.";

        var segments = Segment(text);

        segments.Should().HaveCount(2);
        segments[0].Content.Should().StartWith("Q: Do you ship abroad?\n*\n").And.EndWith("*\nA: Yes, to 30 countries.");
        segments[1].Metadata["question"]!.GetValue<string>().Should().Be("Do you take Pix?");
    }

    [Fact]
    public void AQuestionLetterFollowedByALongRunOfBlanksIsNotAQuestionMarker()
    {
        // "Q" then blanks and no colon: with backtracking, \s*\d*\s*\**\s* tried every way to split the blanks.
        var text = "Q" + new string(' ', 90_000) + "\nDo you ship abroad?\nYes.";

        var segments = Segment(text);

        segments.Should().HaveCount(2);
        segments[1].Metadata["question"]!.GetValue<string>().Should().Be("Do you ship abroad?");
    }

    private static IReadOnlyList<TextSegment> Segment(string text) =>
        Segmenters.Create(Segmenters.Faq)!.Segment(ExtractedText.SinglePage(text, "txt"), new SegmentConfig(SegmentConfig.MaxMaxLength));

    private static GeneratedItem Faq(string text, string question) => ExtractiveGenerator.Generate(new GenerationPrompt(
        null, "unused", text, Segmenters.Faq, new JsonObject { ["question"] = question }, 0, new GenerationSettings()));
}
