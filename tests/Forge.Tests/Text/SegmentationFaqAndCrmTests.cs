using Forge.Shared.Text.Segmentation;

namespace Forge.Tests.Text;

public sealed class SegmentationFaqAndCrmTests
{
    [Fact]
    public void PortugueseFaqWithPAndRMarkersPairsQuestionAndAnswer()
    {
        const string faq = """
            Perguntas frequentes

            P: Como faço para cancelar meu pedido?
            R: Acesse "Meus pedidos" e clique em cancelar.

            P: Qual o prazo de entrega?
            R: Até 5 dias úteis para capitais. Você quer saber do interior?
            Consulte a tabela de fretes.
            """;

        var segments = SegmentationAssertions.Run(Segmenters.Faq, faq);

        segments.Should().HaveCount(3);
        segments[0].Content.Should().Be("Perguntas frequentes");
        segments[0].Metadata.ContainsKey("question").Should().BeFalse();
        segments.Skip(1).Select(s => s.Field("question")).Should().Equal("Como faço para cancelar meu pedido?", "Qual o prazo de entrega?");
        segments[1].Content.Should().Be("P: Como faço para cancelar meu pedido?\nR: Acesse \"Meus pedidos\" e clique em cancelar.");
        segments[2].Content.Should().EndWith("Consulte a tabela de fretes.", "a '?' inside a marked answer does not open a question");
    }

    [Fact]
    public void PerguntaRespostaMarkersAreUnderstood()
    {
        const string faq = "Pergunta: Posso trocar um produto\ncomprado na loja física?\nResposta: Sim, em até 7 dias.\n\nPergunta: Aceitam Pix?\nResposta: Sim.";

        var segments = SegmentationAssertions.Run(Segmenters.Faq, faq);

        segments.Select(s => s.Field("question")).Should().Equal("Posso trocar um produto comprado na loja física?", "Aceitam Pix?");
        segments[1].Content.Should().Be("Pergunta: Aceitam Pix?\nResposta: Sim.");
    }

    [Fact]
    public void EnglishFaqWithQAndAMarkers()
    {
        const string faq = "Q: How do I reset my password?\nA: Click \"Forgot password\" on the login page.\n\nQ: Can I change my plan later?\nA: Yes, at any time.";

        var segments = SegmentationAssertions.Run(Segmenters.Faq, faq);

        segments.Select(s => s.Field("question")).Should().Equal("How do I reset my password?", "Can I change my plan later?");
        segments[0].Content.Should().EndWith("on the login page.");
    }

    [Fact]
    public void UnmarkedFaqUsesQuestionLines()
    {
        const string faq = """
            ## How do I export my data?
            Go to Settings > Export and choose CSV or JSON.

            Can I delete my account?
            Yes. Deleting is permanent
            and removes all documents.
            """;

        var segments = SegmentationAssertions.Run(Segmenters.Faq, faq);

        segments.Select(s => s.Field("question")).Should().Equal("How do I export my data?", "Can I delete my account?");
        segments[1].Content.Should().Be("Can I delete my account?\nYes. Deleting is permanent\nand removes all documents.");
    }

    [Fact]
    public void CsvRowsBecomeRecordsNamedByTheHeader()
    {
        const string csv = "\ufeffnome,email,observacoes,valor\n"
            + "\"Silva, Ana\",ana@example.com,\"Cliente desde 2019, prefere e-mail\",1200\n"
            + "Bruno Costa,bruno@example.com,\"Ligou dia 12/03:\npediu \"\"desconto\"\" de 10%\",850\n"
            + "\n";

        var segments = SegmentationAssertions.Run(Segmenters.CrmRecord, csv);

        segments.Should().HaveCount(2);
        var first = segments[0].Metadata["fields"]!.AsObject();
        first["nome"]!.GetValue<string>().Should().Be("Silva, Ana");
        first["observacoes"]!.GetValue<string>().Should().Be("Cliente desde 2019, prefere e-mail");
        first["valor"]!.GetValue<string>().Should().Be("1200");
        var second = segments[1].Metadata["fields"]!.AsObject();
        second["observacoes"]!.GetValue<string>().Should().Be("Ligou dia 12/03:\npediu \"desconto\" de 10%");
        second["valor"]!.GetValue<string>().Should().Be("850");
        segments[1].Content.Should().StartWith("Bruno Costa,").And.EndWith(",850").And.Contain("\n");
    }

    [Fact]
    public void SemicolonCsvIsDetected()
    {
        var segments = SegmentationAssertions.Run(Segmenters.CrmRecord, "Name;Company;Stage\nJohn Smith;Globex, Inc.;Won\nMary Jones;Initech;Lost");

        segments.Select(s => s.Metadata["fields"]!["Company"]!.GetValue<string>()).Should().Equal("Globex, Inc.", "Initech");
    }

    [Fact]
    public void KeyValueBlocksBecomeRecords()
    {
        const string crm = """
            Nome: Ana Silva
            Empresa: ACME Ltda
            Telefone: (11) 99999-0000
            Notas: Prefere contato à tarde
              e não gosta de ligações.

            Name: John Smith
            Company: Globex
            Website: https://globex.example.com
            """;

        var segments = SegmentationAssertions.Run(Segmenters.CrmRecord, crm);

        segments.Should().HaveCount(2);
        var ana = segments[0].Metadata["fields"]!.AsObject();
        ana.Select(f => f.Key).Should().Equal("Nome", "Empresa", "Telefone", "Notas");
        ana["Notas"]!.GetValue<string>().Should().Be("Prefere contato à tarde\ne não gosta de ligações.");
        segments[1].Metadata["fields"]!["Website"]!.GetValue<string>().Should().Be("https://globex.example.com");
        segments[1].Content.Should().StartWith("Name: John Smith");
    }

    [Fact]
    public void ANoteOfTensOfThousandsOfContinuationLinesIsKeptWhole()
    {
        // 50,000 continuation lines: joined once, not re-copied per line (that was quadratic: 6 s for 100 KB).
        var crm = "Notas: início\n" + string.Concat(Enumerable.Repeat("*\n", 50_000)) + "fim";

        var segments = SegmentationAssertions.Run(Segmenters.CrmRecord, crm);

        // A record longer than max_length is split into several segments, each carrying the record's fields.
        segments.Should().NotBeEmpty();
        var notes = segments[0].Metadata["fields"]!["Notas"]!.GetValue<string>();
        notes.Should().StartWith("início\n*\n*").And.EndWith("*\nfim");
        notes.Count(c => c == '*').Should().Be(50_000);
    }

    [Fact]
    public void ARepeatedKeyInARecordGetsANumberedName()
    {
        var segments = SegmentationAssertions.Run(Segmenters.CrmRecord, "Telefone: 1\nTelefone: 2\n  ramal 3");

        var fields = segments.Single().Metadata["fields"]!.AsObject();
        fields.Select(f => f.Key).Should().Equal("Telefone", "Telefone_2");
        fields["Telefone_2"]!.GetValue<string>().Should().Be("2\nramal 3");
    }

    [Fact]
    public void KeyValueBlocksWithCommasAreNotMistakenForCsv()
    {
        const string crm = "Nome: Silva, Ana\nEmpresa: ACME, Ltda\n\nNome: Costa, Bruno\nEmpresa: Globex, Inc.";

        var segments = SegmentationAssertions.Run(Segmenters.CrmRecord, crm);

        segments.Select(s => s.Metadata["fields"]!["Nome"]!.GetValue<string>()).Should().Equal("Silva, Ana", "Costa, Bruno");
    }
}
