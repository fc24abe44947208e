using Forge.Shared.Text;
using Forge.Shared.Text.Segmentation;

namespace Forge.Tests.Text;

public sealed class SegmentationParagraphAndPageTests
{
    [Fact]
    public void HeadingsTravelWithTheParagraphAfterThem()
    {
        const string text = """
            # Contrato de Prestação de Serviços
            Este documento regula a relação entre as partes.

            DAS OBRIGAÇÕES DA CONTRATADA
            A contratada deverá executar os serviços com diligência.

            Introduction

            This agreement sets out the terms under which services are provided.
            Lines wrap inside the paragraph.

            The parties agree as follows.
            """;

        var segments = SegmentationAssertions.Run(Segmenters.Paragraph, text);

        segments.Select(s => s.FieldOrNull("heading")).Should().Equal(
            "Contrato de Prestação de Serviços", "DAS OBRIGAÇÕES DA CONTRATADA", "Introduction", null);
        segments[0].Content.Should().Be("# Contrato de Prestação de Serviços\nEste documento regula a relação entre as partes.");
        segments[2].Content.Should().Be("Introduction\n\nThis agreement sets out the terms under which services are provided.\nLines wrap inside the paragraph.");
        segments[3].Content.Should().Be("The parties agree as follows.");
    }

    [Fact]
    public void ShortFirstLineOverLongerTextIsAHeadingButAWrappedLineIsNot()
    {
        const string text = "Payment terms\nInvoices are payable within thirty days of receipt by the buyer.\n\n"
            + "The supplier shall deliver the goods to the buyer at the\naddress agreed, within thirty days.";

        var segments = SegmentationAssertions.Run(Segmenters.Paragraph, text);

        segments.Select(s => s.FieldOrNull("heading")).Should().Equal("Payment terms", null);
    }

    [Fact]
    public void ShortLinesEndingWithAPeriodAreParagraphsNotHeadings()
    {
        var segments = SegmentationAssertions.Run(Segmenters.Paragraph, "Obrigado pela atenção.\n\nAtenciosamente, equipe Forge");

        segments.Should().HaveCount(2);
        segments.Should().OnlyContain(s => !s.Metadata.ContainsKey("heading"));
    }

    [Fact]
    public void SegmentsOfAThreePageDocumentCarryTheirPage()
    {
        string[] pages =
        [
            "Relatório Anual 2024\n\nA receita cresceu doze por cento no período.\n\nOs custos ficaram estáveis.",
            "Annual highlights.\n\n" + string.Join(' ', Enumerable.Repeat("Revenue grew in every region we operate in.", 6)),
            "Conclusão.\n\nO conselho aprovou as contas.",
        ];
        var text = ThreePages(pages);

        var segments = SegmentationAssertions.Run(Segmenters.Paragraph, text, new SegmentConfig(100, 10));

        segments.Select(s => s.Metadata["page"]!.GetValue<int>()).Should().BeInAscendingOrder();
        segments.First(s => s.Content.StartsWith("Relatório")).Metadata["page"]!.GetValue<int>().Should().Be(1);
        segments.Where(s => s.Content.Contains("Revenue")).Should().HaveCountGreaterThan(2)
            .And.OnlyContain(s => s.Metadata["page"]!.GetValue<int>() == 2);
        segments.Last().Metadata["page"]!.GetValue<int>().Should().Be(3);
        segments.Last().Content.Should().Be("O conselho aprovou as contas.");
    }

    [Fact]
    public void ClausesAcrossPagesCarryThePageTheyStartOn()
    {
        var text = ThreePages(["Cláusula 1ª – Do Objeto\nConsultoria.", "Cláusula 2ª – Do Preço\nDez mil reais.", "Cláusula 3ª – Do Foro\nSão Paulo."]);

        var segments = SegmentationAssertions.Run(Segmenters.Clause, text);

        segments.Select(s => (s.Field("clause_number"), s.Metadata["page"]!.GetValue<int>()))
            .Should().Equal(("1ª", 1), ("2ª", 2), ("3ª", 3));
    }

    [Fact]
    public void TextWithoutPagesHasNoPageInMetadata()
    {
        var text = new ExtractedText("Um parágrafo.\n\nOutro.", [], "txt");

        var segments = SegmentationAssertions.Run(Segmenters.Paragraph, text);

        segments.Should().HaveCount(2).And.OnlyContain(s => !s.Metadata.ContainsKey("page"));
    }

    private static ExtractedText ThreePages(string[] pages)
    {
        var spans = new List<PageSpan>();
        var start = 0;
        for (var i = 0; i < pages.Length; i++)
        {
            spans.Add(new PageSpan(i + 1, start, pages[i].Length));
            start += pages[i].Length + 2;
        }
        return new ExtractedText(string.Join("\n\n", pages), spans, "pdf");
    }
}
