using System.Text.Json.Nodes;
using Forge.Shared.Ai;

namespace Forge.Tests.Ai;

public sealed class PromptTemplateTests
{
    [Fact]
    public void ContentAndScalarMetadataFieldsAreFilledIn()
    {
        var metadata = new JsonObject { ["question"] = "Aceitam Pix?", ["page"] = 3, ["part"] = 1.5, ["final"] = true };

        var rendered = PromptTemplate.Render("Q: {question} (page {page}, part {part}, final {final})\n{content}", "Sim, aceitamos.", metadata);

        rendered.Should().Be("Q: Aceitam Pix? (page 3, part 1.5, final true)\nSim, aceitamos.");
    }

    [Fact]
    public void NestedFieldsOfACrmRecordAreReachedWithADot()
    {
        var metadata = new JsonObject
        {
            ["fields"] = new JsonObject { ["Name"] = "Ana Silva", ["Razão Social"] = "Silva Ltda", ["valor"] = 1200 },
        };

        var rendered = PromptTemplate.Render("{fields.Name} / {fields.Razão Social} / {fields.valor} / {fields.Missing}", "", metadata);

        rendered.Should().Be("Ana Silva / Silva Ltda / 1200 / {fields.Missing}");
    }

    [Fact]
    public void UnknownPlaceholdersObjectsAndJsonExamplesAreLeftAsWritten()
    {
        const string template = """
            Answer as {"instruction": "...", "ideal_response": "..."} or { "a": 1 }.
            Unknown {nothing}, object {fields}, null {gone}, empty {}, text {content}.
            """;
        var metadata = new JsonObject { ["fields"] = new JsonObject { ["x"] = "y" }, ["gone"] = null };

        var rendered = PromptTemplate.Render(template, "SEG", metadata);

        rendered.Should().Be("""
            Answer as {"instruction": "...", "ideal_response": "..."} or { "a": 1 }.
            Unknown {nothing}, object {fields}, null {gone}, empty {}, text SEG.
            """);
    }

    [Fact]
    public void BracesInsideTheSegmentAreNotExpandedAgain()
    {
        var metadata = new JsonObject { ["question"] = "secret" };

        var rendered = PromptTemplate.Render("[{content}] {question}", "literal {question} and {content}", metadata);

        rendered.Should().Be("[literal {question} and {content}] secret");
    }

    [Fact]
    public void DefaultUserPromptCarriesTheSegment()
    {
        var rendered = PromptTemplate.Render(PromptTemplate.DefaultUserPrompt, "Cláusula 1ª - Do objeto.", []);

        rendered.Should().Contain("Cláusula 1ª - Do objeto.").And.NotContain("{content}");
        PromptTemplate.DefaultSystemPrompt.Should().Contain("training data").And.Contain("language of the source text");
    }
}
