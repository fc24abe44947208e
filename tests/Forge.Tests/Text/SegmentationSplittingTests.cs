using Forge.Shared.Text;
using Forge.Shared.Text.Segmentation;

namespace Forge.Tests.Text;

/// <summary>Units longer than max_length: sentence-first splitting, whole words, overlap and offsets.</summary>
public sealed class SegmentationSplittingTests
{
    private static readonly string[] PortugueseSentences =
    [
        "O contratante pagará ao Sr. Almeida o valor previsto no Art. 5º da Lei nº. 8.078, sem prejuízo das demais obrigações.",
        "A Dra. Souza acompanhará a execução dos serviços e emitirá relatórios mensais de desempenho!",
        "Caso haja atraso, incidirá multa de dois por cento sobre o valor devido; os juros serão de um por cento ao mês.",
        "As partes elegem o foro da comarca de São Paulo para dirimir quaisquer dúvidas oriundas deste contrato?",
    ];

    private static readonly string[] EnglishSentences =
    [
        "The supplier shall deliver the goods to Mr. Brown at the address agreed by the parties, e.g. the main warehouse.",
        "Payment is due within thirty days of the invoice date, and late payments accrue interest at the statutory rate.",
        "Dr. Patel will review every deliverable before acceptance and may request reasonable corrections.",
        "Nothing in this Agreement creates a partnership or joint venture between the parties.",
    ];

    private static string LongParagraph(string[] sentences, int count) =>
        string.Join(' ', Enumerable.Range(0, count).Select(i => sentences[i % sentences.Length]));

    [Theory]
    [InlineData("pt")]
    [InlineData("en")]
    public void LongParagraphIsSplitAtSentenceEndsWithinMaxLength(string language)
    {
        var paragraph = LongParagraph(language == "pt" ? PortugueseSentences : EnglishSentences, 12);
        var config = new SegmentConfig(300, 0);

        var segments = SegmentationAssertions.Run(Segmenters.Paragraph, paragraph, config);

        segments.Should().HaveCountGreaterThan(3);
        segments.Should().OnlyContain(s => s.Content.Length <= 300);
        segments.Select(s => s.Content[^1]).Should().OnlyContain(c => ".!?;".Contains(c), "every piece ends at a sentence end");
        segments.Select(s => s.Metadata["part"]!.GetValue<int>()).Should().Equal(Enumerable.Range(1, segments.Count));
        segments.Should().OnlyContain(s => s.Metadata["parts"]!.GetValue<int>() == segments.Count);
        string.Join(' ', segments.Select(s => s.Content)).Should().Be(paragraph);
    }

    [Fact]
    public void AbbreviationsAreNotSentenceEnds()
    {
        // "Sr." and "Art." are the only periods in the window, so a naive splitter would cut right after them.
        var text = "O pagamento devido ao Sr. Joaquim Pereira conforme o Art. 5º segue anexo e vale desde hoje. Fim do texto aqui.";

        var segments = SegmentationAssertions.Run(Segmenters.Paragraph, text, new SegmentConfig(60, 0));

        segments.Should().NotContain(s => s.Content.EndsWith("Sr.") || s.Content.EndsWith("Art."));
    }

    [Fact]
    public void ClosingQuoteStaysWithItsSentence()
    {
        const string text = "Ela disse: \"O prazo vence amanhã e não será prorrogado.\" Depois disso, a reunião terminou sem acordo entre as partes.";

        var segments = SegmentationAssertions.Run(Segmenters.Paragraph, text, new SegmentConfig(70, 0));

        segments[0].Content.Should().Be("Ela disse: \"O prazo vence amanhã e não será prorrogado.\"");
    }

    [Fact]
    public void OverlapRepeatsWholeWordsOfThePreviousPiece()
    {
        var paragraph = LongParagraph(EnglishSentences, 10);
        var config = new SegmentConfig(250, 60);

        var segments = SegmentationAssertions.Run(Segmenters.Paragraph, paragraph, config);

        segments.Should().HaveCountGreaterThan(3);
        for (var i = 1; i < segments.Count; i++)
        {
            var previous = segments[i - 1];
            var current = segments[i];
            current.CharStart.Should().BeLessThan(previous.CharEnd, "segment {0} starts inside the previous one", i);
            var repeated = paragraph[current.CharStart..previous.CharEnd];
            repeated.Length.Should().BeInRange(1, 60);
            previous.Content.Should().EndWith(repeated);
            current.Content.Should().StartWith(repeated);
            char.IsWhiteSpace(paragraph[current.CharStart - 1]).Should().BeTrue("the overlap starts at a word");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(30)]
    public void NoWordIsCutAndOffsetsMapBack(int overlap)
    {
        var paragraph = LongParagraph(PortugueseSentences, 9).Replace(". ", ".\n", StringComparison.Ordinal);
        var text = ExtractedText.SinglePage("Introdução\n\n" + paragraph, "txt");

        var segments = SegmentationAssertions.Run(Segmenters.Paragraph, text, new SegmentConfig(120, overlap));

        segments.Should().HaveCountGreaterThan(5);
        foreach (var segment in segments)
        {
            var (start, end) = (segment.CharStart, segment.CharEnd);
            (start == 0 || char.IsWhiteSpace(text.Text[start - 1])).Should().BeTrue($"'{segment.Content}' starts at a word");
            (end == text.Text.Length || char.IsWhiteSpace(text.Text[end])).Should().BeTrue($"'{segment.Content}' ends at a word");
            text.Text.Substring(start, end - start).Should().Contain(segment.Content);
        }
    }

    [Fact]
    public void AWordLongerThanMaxLengthIsCutOnlyThen()
    {
        var word = string.Concat(Enumerable.Repeat("abcdefghij", 13));
        var text = $"Veja o identificador {word} no sistema.";

        var segments = SegmentationAssertions.Run(Segmenters.Paragraph, text, new SegmentConfig(50, 0));

        segments.Select(s => s.Content).Should().Equal(
            "Veja o identificador",
            word[..50],
            word[50..100],
            word[100..] + " no sistema.");
    }

    [Fact]
    public void ShortUnitsCarryNoPartNumbers()
    {
        var segments = SegmentationAssertions.Run(Segmenters.Paragraph, "Um parágrafo curto.\n\nOutro parágrafo curto.");

        segments.Should().HaveCount(2);
        segments.Should().OnlyContain(s => !s.Metadata.ContainsKey("part") && !s.Metadata.ContainsKey("parts"));
    }
}
