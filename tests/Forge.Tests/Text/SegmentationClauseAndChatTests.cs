using Forge.Shared.Text.Segmentation;

namespace Forge.Tests.Text;

public sealed class SegmentationClauseAndChatTests
{
    private const string Contract = """
        CONTRATO DE PRESTAÇÃO DE SERVIÇOS

        Pelo presente instrumento particular, as partes abaixo qualificadas têm entre si justo e contratado o seguinte.

        Cláusula 1ª – Do Objeto
        O presente contrato tem por objeto a prestação de serviços de consultoria em tecnologia.

        CLÁUSULA SEGUNDA - DO PRAZO
        O prazo de vigência é de 12 (doze) meses, renovável por igual período.

        Art. 5º O contratante pagará o valor mensal de R$ 10.000,00 até o quinto dia útil.
        § 2º O atraso implicará multa de 2% sobre o valor devido.

        1.1 Os serviços serão prestados na sede da contratante.

        Section 3. Termination
        Either party may terminate this Agreement upon thirty (30) days written notice.
        """;

    [Fact]
    public void ContractIsSplitByClauseKeepingNumberAndTitle()
    {
        var segments = SegmentationAssertions.Run(Segmenters.Clause, Contract);

        segments.Should().HaveCount(7);
        segments[0].Metadata.ContainsKey("clause_number").Should().BeFalse("the preamble precedes every clause");
        segments[0].Content.Should().StartWith("CONTRATO DE PRESTAÇÃO").And.EndWith("o seguinte.");
        segments.Skip(1).Select(s => s.Field("clause_number")).Should().Equal("1ª", "SEGUNDA", "5º", "2º", "1.1", "3");
        segments.Skip(1).Select(s => s.Field("clause_label"))
            .Should().Equal("Cláusula 1ª", "CLÁUSULA SEGUNDA", "Art. 5º", "§ 2º", "1.1", "Section 3");
        segments.Skip(1).Select(s => s.FieldOrNull("clause_title"))
            .Should().Equal("Do Objeto", "DO PRAZO", null, null, null, "Termination");
        segments[1].Content.Should().Be("Cláusula 1ª – Do Objeto\nO presente contrato tem por objeto a prestação de serviços de consultoria em tecnologia.");
        segments[6].Content.Should().EndWith("written notice.");
    }

    [Fact]
    public void LongClauseIsSplitAndEveryPartKeepsTheClause()
    {
        var body = string.Join(' ', Enumerable.Repeat("A contratada manterá sigilo sobre todas as informações recebidas.", 8));
        var text = $"CLÁUSULA DÉCIMA SEGUNDA – DA CONFIDENCIALIDADE\n{body}\n\nParágrafo único. Esta obrigação sobrevive ao contrato.";

        var segments = SegmentationAssertions.Run(Segmenters.Clause, text, new SegmentConfig(150, 20));

        var parts = segments.Where(s => s.Field("clause_number") == "DÉCIMA SEGUNDA").ToList();
        parts.Should().HaveCountGreaterThan(2);
        parts.Should().OnlyContain(s => s.Field("clause_title") == "DA CONFIDENCIALIDADE" && s.Metadata["parts"]!.GetValue<int>() == parts.Count);
        segments[^1].Field("clause_number").Should().Be("único");
    }

    [Fact]
    public void NumberedLineStartingLowercaseContinuesTheClause()
    {
        const string text = "1. Objeto\nA contratada entregará os itens da lista de\n2. e os manuais em até 10 dias.\n\n2. Preço\nDez mil reais.";

        var segments = SegmentationAssertions.Run(Segmenters.Clause, text);

        segments.Select(s => s.Field("clause_number")).Should().Equal("1", "2");
        segments.Select(s => s.Field("clause_title")).Should().Equal("Objeto", "Preço");
    }

    [Fact]
    public void WhatsAppAndroidExportYieldsOneSegmentPerMessage()
    {
        const string export = """
            12/03/2024 14:05 - As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta.
            12/03/2024 14:05 - Ana: Bom dia! O pedido 4521 já saiu?
            12/03/2024 14:06 - Carlos Souza: Saiu ontem, deve chegar até sexta.
            Obs: o código de rastreio é BR123456.
            12/03/2024 14:07 - Ana: Obrigada 🙏
            """;

        var segments = SegmentationAssertions.Run(Segmenters.ChatMessage, export);

        segments.Should().HaveCount(4);
        segments[0].Metadata.ContainsKey("speaker").Should().BeFalse();
        segments[0].Content.Should().StartWith("As mensagens");
        segments.Skip(1).Select(s => s.Field("speaker")).Should().Equal("Ana", "Carlos Souza", "Ana");
        segments.Skip(1).Select(s => s.Field("time")).Should().Equal("14:05", "14:06", "14:07");
        segments.Should().OnlyContain(s => s.Field("date") == "12/03/2024");
        segments[2].Content.Should().Be("Saiu ontem, deve chegar até sexta.\nObs: o código de rastreio é BR123456.");
        segments[3].Content.Should().Be("Obrigada 🙏");
    }

    [Fact]
    public void WhatsAppBracketedExportReadsDateTimeAndSpeaker()
    {
        const string export = """
            [12/03/24, 14:05:09] Ana: Can you send the signed contract?
            [12/03/24, 14:06:41] John Smith: Sure, sending it now.
            """;

        var segments = SegmentationAssertions.Run(Segmenters.ChatMessage, export);

        segments.Select(s => (s.Field("date"), s.Field("time"), s.Field("speaker"), s.Content)).Should().Equal(
            ("12/03/24", "14:05:09", "Ana", "Can you send the signed contract?"),
            ("12/03/24", "14:06:41", "John Smith", "Sure, sending it now."));
    }

    [Fact]
    public void TimeBracketLogKeepsContinuationLinesWithTheirMessage()
    {
        const string log = """
            [12:01] Ana: Olá, tudo bem?
            [12:02] Bruno: Tudo! Revisei a minuta:
            - cláusula 3 precisa de ajuste
            - falta o anexo II
            [12:03] Ana: Perfeito, vou corrigir.
            """;

        var segments = SegmentationAssertions.Run(Segmenters.ChatMessage, log);

        segments.Select(s => s.Field("speaker")).Should().Equal("Ana", "Bruno", "Ana");
        segments.Select(s => s.Field("time")).Should().Equal("12:01", "12:02", "12:03");
        segments.Should().OnlyContain(s => !s.Metadata.ContainsKey("date"));
        segments[1].Content.Should().Be("Tudo! Revisei a minuta:\n- cláusula 3 precisa de ajuste\n- falta o anexo II");
    }

    [Fact]
    public void PlainSpeakerLogAndLongMessagesSplitWithTheSpeaker()
    {
        var longMessage = string.Join(' ', Enumerable.Repeat("I checked the invoice and the totals match the purchase order.", 5));
        var log = $"Ana: Hi, did you check the invoice?\nSupport Bot: {longMessage}\nAna: Thanks.";

        var segments = SegmentationAssertions.Run(Segmenters.ChatMessage, log, new SegmentConfig(100, 0));

        segments.First().Field("speaker").Should().Be("Ana");
        segments.Last().Content.Should().Be("Thanks.");
        var bot = segments.Where(s => s.Field("speaker") == "Support Bot").ToList();
        bot.Should().HaveCountGreaterThan(1);
        bot.Should().OnlyContain(s => s.Metadata["parts"]!.GetValue<int>() == bot.Count);
    }
}
