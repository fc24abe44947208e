using Forge.Shared.Ai;

namespace Forge.Tests.Ai;

public sealed class SentencesTests
{
    [Fact]
    public void SplitsAtSentenceEndsButNotAfterAbbreviationsInitialsOrDecimals()
    {
        var sentences = Sentences.Split("Conforme o Art. 5º da lei, J. Silva assina. O Sr. Costa concorda! Ele pagou R$ 1.200,00? Sim. Next: e.g. This stays.");

        sentences.Should().Equal(
            "Conforme o Art. 5º da lei, J. Silva assina.",
            "O Sr. Costa concorda!",
            "Ele pagou R$ 1.200,00?",
            "Sim.",
            "Next: e.g. This stays.");
    }

    [Fact]
    public void HardWrappedLinesAreJoinedWhileListItemsAndBlankLinesStartNewSentences()
    {
        var sentences = Sentences.Split("Deleting is permanent\nand removes all documents\n- the invoices\n- the contracts\na) first\n\nA new paragraph without a period");

        sentences.Should().Equal(
            "Deleting is permanent and removes all documents",
            "- the invoices",
            "- the contracts",
            "a) first",
            "A new paragraph without a period");
    }

    [Theory]
    [InlineData("O locatário pagará o aluguel até o dia 5 de cada mês, com multa em caso de atraso.", "pt")]
    [InlineData("Oi, tudo bem? Meu pedido ainda não chegou", "pt")]
    [InlineData("Não sei.", "pt")]
    [InlineData("The tenant shall pay the rent by the fifth day of each month.", "en")]
    [InlineData("Hi, can you help me with my order?", "en")]
    [InlineData("12345", "en")]
    public void LanguageIsGuessedFromFunctionWordsAndAccents(string text, string expected)
    {
        Sentences.Language(text).Should().Be(expected == "pt" ? TextLanguage.Portuguese : TextLanguage.English);
    }

    [Fact]
    public void TermsAreContentWordsOnly()
    {
        Sentences.Terms("The customer may request an export of its data in 2024, ok?").Should()
            .Equal("customer", "request", "export", "data");
    }

    [Fact]
    public void TheSentenceSharingMostTermsWithTheRestRanksFirst()
    {
        string[] sentences =
        [
            "Our office has a nice view.",
            "Refunds are paid to the original card within ten days.",
            "A refund request needs the order number.",
            "Refunds for damaged goods are paid with the order shipping cost.",
        ];

        var ranked = Sentences.Rank(sentences);

        ranked[0].Should().Be(3, "it shares 'refunds', 'paid' and 'order' with the others");
        ranked[^1].Should().Be(0, "it shares nothing");
    }

    [Fact]
    public void TitleTermsLiftASentenceAndTiesKeepTextOrder()
    {
        string[] sentences = ["Alpha beta gamma.", "Delta epsilon zeta.", "Theta iota kappa."];

        Sentences.Rank(sentences).Should().Equal(0, 1, 2);
        Sentences.Rank(sentences, title: "Kappa rules").Should().Equal(2, 0, 1);
    }

    [Fact]
    public void KeyTermsPreferWhatTheContextRepeatsThenSentenceOrder()
    {
        var terms = Sentences.KeyTerms("Late payment of the rent incurs a fine.", "The rent is due monthly. Late rent incurs a fine. The fine is 10% of the rent.");

        terms.Should().Equal("rent", "fine", "late", "incurs", "payment");
    }
}
