using System.Text.Json.Nodes;
using Forge.Shared.Quality;

namespace Forge.Tests.Quality;

public sealed class ItemQualityTests
{
    private const string Segment =
        "O contrato de prestação de serviços tem vigência de doze meses, renovável automaticamente por igual período. "
        + "O pagamento deve ser feito até o quinto dia útil de cada mês, mediante boleto bancário. "
        + "Em caso de atraso, incide multa de 2% e juros de 1% ao mês.";

    private static readonly QualityInput Good = new(
        Instruction: "Qual é o prazo de pagamento previsto no contrato?",
        InputText: "",
        IdealResponse: "O pagamento deve ser feito até o quinto dia útil de cada mês, por boleto bancário.",
        BadResponse: "O pagamento pode ser feito quando o cliente quiser, sem multa.",
        Explanation: "A resposta ruim contradiz a cláusula de pagamento.",
        SegmentText: Segment);

    private static JsonObject Flags(QualityInput input) => ItemQuality.Assess(input).Flags;

    [Fact]
    public void GroundedCleanItemPassesEveryCheckAndScoresOne()
    {
        var assessment = ItemQuality.Assess(Good);

        assessment.Score.Should().Be(1.0);
        assessment.Flags.ToJsonString().Should().Be(
            """{"length_ok":true,"coherence_ok":true,"grounded":true,"grounding_score":1,"pii_detected":false,"pii_types":[],"duplicate_of":null}""");
    }

    [Fact]
    public void AssessingTwiceGivesTheSameResult()
    {
        var input = Good with { IdealResponse = "A vigência é de doze meses, com renovação e multa por atraso de pagamento." };

        ItemQuality.Assess(input).Flags.ToJsonString().Should().Be(ItemQuality.Assess(input).Flags.ToJsonString());
    }

    [Fact]
    public void CaseAndAccentsDoNotChangeGrounding()
    {
        var flags = Flags(Good with { IdealResponse = "O PAGAMENTO DEVE SER FEITO ATE O QUINTO DIA UTIL DE CADA MES." });

        flags[ItemQuality.GroundingScore]!.GetValue<double>().Should().Be(1.0);
    }

    [Fact]
    public void StopWordsDoNotCountTowardsGrounding()
    {
        // Content words: prazo, doze, meses, seis; only doze and meses are in the segment. Counting "o", "de", "e" would raise it.
        var flags = Flags(Good with { IdealResponse = "O prazo é de doze meses e não de seis." });

        flags[ItemQuality.GroundingScore]!.GetValue<double>().Should().Be(0.5);
        flags[ItemQuality.Grounded]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public void InventedAnswerIsNotGroundedAndScoresLow()
    {
        var assessment = ItemQuality.Assess(Good with
        {
            IdealResponse = "A empresa oferece desconto para clientes antigos e suporte técnico gratuito por telefone.",
        });

        assessment.Flags[ItemQuality.Grounded]!.GetValue<bool>().Should().BeFalse();
        assessment.Flags[ItemQuality.GroundingScore]!.GetValue<double>().Should().BeLessThan(0.2);
        assessment.Score.Should().BeLessThan(0.6);
    }

    [Theory]
    [InlineData("Sim.")]
    [InlineData("")]
    [InlineData("Qual é o prazo de pagamento previsto no contrato?")]
    [InlineData("qual e o PRAZO de pagamento previsto no contrato")]
    public void TrivialOrCopiedResponseFailsLength(string ideal)
    {
        Flags(Good with { IdealResponse = ideal })[ItemQuality.LengthOk]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public void OneWordInstructionFailsLength()
    {
        Flags(Good with { Instruction = "Resuma" })[ItemQuality.LengthOk]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public void ResponseOverFourThousandWordsFailsLength()
    {
        var longResponse = string.Join(' ', Enumerable.Range(0, 4001).Select(i => $"palavra{i}")) + ".";

        Flags(Good with { IdealResponse = longResponse })[ItemQuality.LengthOk]!.GetValue<bool>().Should().BeFalse();
    }

    [Theory]
    [InlineData("O pagamento vence no quinto dia útil. O pagamento vence no quinto dia útil. O pagamento vence no quinto dia útil. O pagamento vence no quinto dia útil.")]
    [InlineData("O pagamento é muito muito muito muito importante.")]
    [InlineData("O pagamento deve ser feito até o quinto dia útil de cada mê")]
    [InlineData("O pagamento deve ser feito até o quinto dia útil de cada mês, mediante")]
    [InlineData("### --- *** ||| ### --- *** ||| ### --- *** ||| 0 1 x.")]
    public void LoopingTruncatedOrSymbolResponseIsIncoherent(string ideal)
    {
        Flags(Good with { IdealResponse = ideal })[ItemQuality.CoherenceOk]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public void BadResponseEqualToIdealIsIncoherent()
    {
        var input = Good with { BadResponse = "o pagamento DEVE ser feito até o quinto dia útil de cada mês por boleto bancário" };

        Flags(input)[ItemQuality.CoherenceOk]!.GetValue<bool>().Should().BeFalse();
        Flags(input with { BadResponse = null })[ItemQuality.CoherenceOk]!.GetValue<bool>().Should().BeTrue();
    }

    [Theory]
    [InlineData("Até o quinto dia útil")]
    [InlineData("R$ 1.500,00")]
    [InlineData("Condições de pagamento:\n- quinto dia útil de cada mês\n- boleto bancário")]
    [InlineData("As condições são:\n1. pagamento no quinto dia útil\n2) multa de 2% por atraso")]
    public void ShortValuesAndListsNeedNoFinalPunctuation(string ideal)
    {
        Flags(Good with { IdealResponse = ideal })[ItemQuality.CoherenceOk]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public void PiiInAnyFieldIsReportedInTheDocumentedOrder()
    {
        var assessment = ItemQuality.Assess(Good with
        {
            InputText = "Cliente: Ana, CPF 529.982.247-25",
            Explanation = "Confirmar com ana@exemplo.com ou (11) 98765-4321.",
        });

        assessment.Flags[ItemQuality.PiiDetected]!.GetValue<bool>().Should().BeTrue();
        assessment.Flags[ItemQuality.PiiTypes]!.AsArray().Select(node => node!.GetValue<string>())
            .Should().Equal(PiiDetector.Email, PiiDetector.Phone, PiiDetector.Cpf);
        assessment.Score.Should().Be(0.5);
    }

    [Fact]
    public void SegmentTextIsNotScannedForPii()
    {
        var flags = Flags(Good with { SegmentText = Segment + " Contato: ana@exemplo.com." });

        flags[ItemQuality.PiiDetected]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public void ScoreIsRecomputedFromEditedFlags()
    {
        var flags = JsonNode.Parse(Flags(Good).ToJsonString())!.AsObject();
        flags[ItemQuality.GroundingScore] = 0.6;
        ItemQuality.ScoreOf(flags).Should().Be(0.8);

        flags[ItemQuality.PiiDetected] = true;
        ItemQuality.ScoreOf(flags).Should().Be(0.4);

        flags[ItemQuality.DuplicateOf] = Guid.NewGuid().ToString();
        ItemQuality.ScoreOf(flags).Should().Be(0.2);
    }

    [Fact]
    public void DuplicateOfHalvesTheScore()
    {
        var flags = Flags(Good);
        flags[ItemQuality.DuplicateOf] = Guid.NewGuid().ToString();

        ItemQuality.ScoreOf(flags).Should().Be(0.5);
    }

    [Fact]
    public void MissingOrMalformedChecksCountAsFailed()
    {
        ItemQuality.ScoreOf([]).Should().Be(0);
        ItemQuality.ScoreOf(new JsonObject { [ItemQuality.LengthOk] = "yes", [ItemQuality.CoherenceOk] = true, [ItemQuality.GroundingScore] = 1 })
            .Should().Be(0.75);
    }

    [Fact]
    public void ScoreHasTwoDecimals()
    {
        var score = ItemQuality.Assess(Good with { IdealResponse = "O contrato prevê multa, juros, desconto e bônus anual por desempenho." }).Score;

        score.Should().Be(Math.Round(score, 2)).And.BeInRange(0, 1);
        score.Should().NotBe(1);
    }
}
