using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Forge.Shared.Ai;
using Forge.Shared.Text;
using Forge.Shared.Text.Segmentation;
using Forge.Tests.Text;

namespace Forge.Tests.Ai;

public sealed class ExtractiveGeneratorTests
{
    private const string Lease = """
        CONTRATO DE LOCAÇÃO

        CLÁUSULA SEGUNDA – DO PAGAMENTO
        O aluguel mensal é de R$ 2.000,00, pago até o dia 5 de cada mês. O atraso no pagamento do aluguel implica multa
        de 10% sobre o valor do aluguel. Os pagamentos serão feitos por boleto bancário. O locatário pagará também as
        despesas de condomínio e IPTU.

        Cláusula 3ª - O prazo da locação é de 30 meses.
        """;

    [Fact]
    public void PortugueseFaqPairBecomesTheQuestionAndItsAnswer()
    {
        var segment = Segments(Segmenters.Faq, "P: Qual o prazo de entrega?\nR: Até 5 dias úteis para capitais.\nConsulte a tabela de fretes.")[0];

        var item = Generate(segment, Segmenters.Faq);

        item.Instruction.Should().Be("Responda à pergunta do cliente.");
        item.InputText.Should().Be("Qual o prazo de entrega?");
        item.IdealResponse.Should().Be("Até 5 dias úteis para capitais. Consulte a tabela de fretes.");
        item.BadResponse.Should().StartWith("Não tenho essa informação");
        item.Explanation.Should().Contain("resposta ideal");
    }

    [Fact]
    public void EnglishUnmarkedFaqDropsTheQuestionLineAndJoinsTheWrappedAnswer()
    {
        var segment = Segments(Segmenters.Faq, "## Can I delete my account?\nYes. Deleting is permanent\nand removes all documents.")[0];

        var item = Generate(segment, Segmenters.Faq);

        item.Instruction.Should().Be("Answer the customer's question.");
        item.InputText.Should().Be("Can I delete my account?");
        item.IdealResponse.Should().Be("Yes. Deleting is permanent and removes all documents.");
        item.BadResponse.Should().StartWith("I don't have that information");
    }

    [Fact]
    public void AnFaqPairMakesOneItemOnly()
    {
        var segment = Segments(Segmenters.Faq, "Q: How do I reset my password?\nA: Click \"Forgot password\". Then follow the e-mail link.")[0];

        FluentActions.Invoking(() => Generate(segment, Segmenters.Faq, variant: 1))
            .Should().Throw<GenerationSkippedException>().Which.Reason.Should().Be("segment_too_short");
    }

    [Fact]
    public void AContinuedFaqPartWithoutTheQuestionIsAllAnswer()
    {
        ExtractiveGenerator.FaqAnswer("Consulte a tabela de fretes.\nPrazos maiores no interior.", "Qual o prazo de entrega?")
            .Should().Be("Consulte a tabela de fretes.\nPrazos maiores no interior.");
    }

    [Fact]
    public void PortugueseClauseIsAskedAboutByNumberAndTitleAndAnsweredFromItsSentences()
    {
        var segment = Segments(Segmenters.Clause, Lease).Single(s => s.FieldOrNull("clause_title") == "DO PAGAMENTO");

        var item = Generate(segment, Segmenters.Clause);

        item.Instruction.Should().Be("Responda à pergunta sobre o contrato usando apenas o que ele estabelece.");
        item.InputText.Should().Be("O que estabelece a cláusula segunda (Do pagamento)?");
        item.IdealResponse.Should().Contain("multa de 10%").And.NotContain("CLÁUSULA SEGUNDA", "the heading is not an answer");
        AssertGrounded(item.IdealResponse, segment.Content);
        AssertGrounded(item.BadResponse!, segment.Content);
        item.BadResponse.Should().NotBe(item.IdealResponse);
    }

    [Fact]
    public void ClauseWithoutTitleIsNamedByItsLabel()
    {
        var segment = Segments(Segmenters.Clause, Lease).Single(s => s.FieldOrNull("clause_label") == "Cláusula 3ª");

        var item = Generate(segment, Segmenters.Clause);

        item.InputText.Should().Be("O que estabelece a cláusula 3ª?");
        item.IdealResponse.Should().Be("Cláusula 3ª - O prazo da locação é de 30 meses.");
    }

    [Fact]
    public void EnglishClauseIsAskedAboutInEnglish()
    {
        var segment = Segments(Segmenters.Clause, "Section 4 Termination\nEither party may terminate this agreement with 30 days written notice. "
            + "Termination does not release the customer from fees already due. The customer may request an export of its data.")[0];

        var item = Generate(segment, Segmenters.Clause);

        item.Instruction.Should().Be("Answer the question about the contract using only what it states.");
        item.InputText.Should().Be("What does Section 4 (Termination) establish?");
        AssertGrounded(item.IdealResponse, segment.Content);
    }

    [Fact]
    public void VariantsAskDifferentQuestionsWithDifferentGroundedAnswersUntilTheSentencesRunOut()
    {
        var segment = Segments(Segmenters.Clause, Lease).Single(s => s.FieldOrNull("clause_title") == "DO PAGAMENTO");

        var items = Enumerable.Range(0, 4).Select(v => Generate(segment, Segmenters.Clause, v)).ToList();

        items.Select(i => i.InputText).Should().OnlyHaveUniqueItems();
        items.Select(i => i.IdealResponse).Should().OnlyHaveUniqueItems();
        items.Skip(1).Should().AllSatisfy(i => i.InputText.Should().StartWith("O que a cláusula segunda (Do pagamento) diz sobre “"));
        items.Should().AllSatisfy(i => AssertGrounded(i.IdealResponse, segment.Content));
        FluentActions.Invoking(() => Generate(segment, Segmenters.Clause, variant: 4))
            .Should().Throw<GenerationSkippedException>().Where(e => e.Reason == "segment_too_short" && e.Message.Contains("the segment has 4"));
    }

    [Fact]
    public void PortugueseParagraphWithAHeadingIsAskedAboutTheSection()
    {
        var segment = Segments(Segmenters.Paragraph, "Política de Trocas\nVocê pode trocar produtos em até 7 dias após o recebimento. "
            + "O produto deve estar na embalagem original, sem sinais de uso. Trocas de produtos com defeito são gratuitas.")[0];

        var item = Generate(segment, Segmenters.Paragraph);

        item.Instruction.Should().Be("Responda à pergunta usando apenas o que o documento diz.");
        item.InputText.Should().Be("O que diz a seção “Política de Trocas”?");
        item.IdealResponse.Should().NotContain("Política de Trocas");
        AssertGrounded(item.IdealResponse, segment.Content);
    }

    [Fact]
    public void EnglishParagraphWithoutHeadingIsAskedAboutItsKeyTerm()
    {
        var segment = Segments(Segmenters.Paragraph, "Our support team answers tickets within one business day. Urgent tickets "
            + "are handled by the on-call engineer around the clock. Customers on the enterprise plan get a dedicated manager.")[0];

        var first = Generate(segment, Segmenters.Paragraph);
        var second = Generate(segment, Segmenters.Paragraph, variant: 1);

        first.InputText.Should().Be("What does the text say about “tickets”?", "'tickets' is the term the paragraph repeats");
        second.InputText.Should().StartWith("What does the text say about “").And.NotBe(first.InputText);
        AssertGrounded(first.IdealResponse, segment.Content);
        AssertGrounded(second.IdealResponse, segment.Content);
    }

    [Theory]
    [InlineData("Obrigado.")]
    [InlineData("CONTRATO DE LOCAÇÃO")]
    [InlineData("1. 2. 3.")]
    public void SegmentsWithNothingToAskAboutAreSkipped(string text)
    {
        var segment = new TextSegment(text, 0, new JsonObject { ["char_start"] = 0, ["char_end"] = text.Length });

        FluentActions.Invoking(() => Generate(segment, Segmenters.Paragraph))
            .Should().Throw<GenerationSkippedException>().Which.Reason.Should().Be("segment_too_short");
    }

    [Fact]
    public async Task ItNamesItselfAndReportsNoModelAndNoTokens()
    {
        var segment = Segments(Segmenters.Faq, "Q: Do you ship abroad?\nA: Yes, to 30 countries.")[0];

        var result = await new ExtractiveGenerator().GenerateAsync(Prompt(segment, Segmenters.Faq, 0), default);

        result.Generator.Should().Be("extractive");
        result.Model.Should().BeNull();
        result.Usage.Should().Be(default(TokenUsage));
        result.Item.Should().Be(Generate(segment, Segmenters.Faq), "the same segment always makes the same item");
    }

    internal static IReadOnlyList<TextSegment> Segments(string type, string text) =>
        Segmenters.Create(type)!.Segment(ExtractedText.SinglePage(text, "txt"), SegmentConfig.Default);

    internal static GeneratedItem Generate(TextSegment segment, string type, int variant = 0) =>
        ExtractiveGenerator.Generate(Prompt(segment, type, variant));

    internal static GenerationPrompt Prompt(TextSegment segment, string type, int variant) =>
        new(null, "unused by the extractive generator", segment.Content, type, segment.Metadata, variant, new GenerationSettings());

    /// <summary>Every sentence of <paramref name="answer"/> occurs in <paramref name="source"/> (whitespace aside): nothing invented.</summary>
    internal static void AssertGrounded(string answer, string source)
    {
        var text = Collapse(source);
        Sentences.Split(answer).Should().NotBeEmpty().And.AllSatisfy(sentence => text.Should().Contain(Collapse(sentence)));
    }

    private static string Collapse(string text) => Regex.Replace(text, @"\s+", " ").Trim();
}
