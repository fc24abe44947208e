using Forge.Shared.Ai;
using Forge.Shared.Text.Segmentation;
using static Forge.Tests.Ai.ExtractiveGeneratorTests;

namespace Forge.Tests.Ai;

public sealed class ExtractiveChatAndRecordTests
{
    private const string WhatsApp = """
        12/03/2024 14:05 - Ana: Oi, meu pedido 4521 ainda não chegou. Já faz 10 dias que paguei. Vocês podem verificar?
        12/03/2024 14:07 - Loja: Claro, Ana! Vou verificar agora.
        """;

    [Fact]
    public void PortugueseChatMessageBecomesATurnThatConfirmsWhatTheCustomerSaid()
    {
        var segment = Segments(Segmenters.ChatMessage, WhatsApp)[0];

        var item = Generate(segment, Segmenters.ChatMessage);

        item.Instruction.Should().Be("Responda à mensagem do cliente no chat.");
        item.InputText.Should().Be("Oi, meu pedido 4521 ainda não chegou. Já faz 10 dias que paguei. Vocês podem verificar?");
        item.IdealResponse.Should().StartWith("Obrigado pela mensagem, Ana.").And.Contain("meu pedido 4521 ainda não chegou");
        item.BadResponse.Should().Be("Ok.");
    }

    [Fact]
    public void ChatVariantsConfirmDifferentSentencesUntilTheMessageRunsOut()
    {
        var segment = Segments(Segmenters.ChatMessage, WhatsApp)[0];

        var items = Enumerable.Range(0, 3).Select(v => Generate(segment, Segmenters.ChatMessage, v)).ToList();

        items.Select(i => i.IdealResponse).Should().OnlyHaveUniqueItems();
        var sentences = Sentences.Split(segment.Content);
        items.Skip(1).Should().AllSatisfy(i => sentences.Should().Contain(s => i.IdealResponse.Contains($"“{s.TrimEnd('.')}”")));
        FluentActions.Invoking(() => Generate(segment, Segmenters.ChatMessage, variant: 3))
            .Should().Throw<GenerationSkippedException>().Which.Reason.Should().Be("segment_too_short");
    }

    [Fact]
    public void EnglishChatMessageIsAnsweredInEnglish()
    {
        var segment = Segments(Segmenters.ChatMessage, "[12:01] John: Hi, I was charged twice for my March invoice. Can you refund one of the charges?")[0];

        var item = Generate(segment, Segmenters.ChatMessage);

        item.Instruction.Should().Be("Reply to the customer's chat message.");
        item.IdealResponse.Should().Be(
            "Thanks for your message, John. Just to confirm I understood: “Hi, I was charged twice for my March invoice. "
            + "Can you refund one of the charges?” Is that right?");
    }

    [Fact]
    public void PortugueseCsvRecordIsAskedAboutByNameAndAnsweredWithItsFields()
    {
        var segment = Segments(Segmenters.CrmRecord, "nome,email,observacoes,valor\n\"Silva, Ana\",ana@example.com,\"Cliente desde 2019, prefere e-mail\",1200\n")[0];

        var item = Generate(segment, Segmenters.CrmRecord);

        item.Instruction.Should().Be("Responda à pergunta usando apenas o cadastro do cliente.");
        item.InputText.Should().Be("Quais são os dados cadastrados de Silva, Ana?");
        item.IdealResponse.Should().Be("nome: Silva, Ana\nemail: ana@example.com\nobservacoes: Cliente desde 2019, prefere e-mail\nvalor: 1200");
    }

    [Fact]
    public void RecordVariantsAskAboutOneFieldEachWithAnotherFieldsValueAsTheBadAnswer()
    {
        var segment = Segments(Segmenters.CrmRecord, "Name: John Smith\nCompany: Acme Corp\nPlan: Enterprise")[0];

        var company = Generate(segment, Segmenters.CrmRecord, variant: 1);
        var plan = Generate(segment, Segmenters.CrmRecord, variant: 2);

        company.Instruction.Should().Be("Answer the question using only the customer record.");
        company.InputText.Should().Be("What is the “Company” for John Smith?");
        company.IdealResponse.Should().Be("The “Company” for John Smith is: Acme Corp");
        company.BadResponse.Should().Be("The “Company” for John Smith is: Enterprise");
        plan.InputText.Should().Be("What is the “Plan” for John Smith?");
        plan.IdealResponse.Should().EndWith("Enterprise");
        FluentActions.Invoking(() => Generate(segment, Segmenters.CrmRecord, variant: 3))
            .Should().Throw<GenerationSkippedException>().Which.Reason.Should().Be("segment_too_short");
    }

    [Fact]
    public void RecordWithoutANameFieldIsAboutThisCustomer()
    {
        var segment = Segments(Segmenters.CrmRecord, "Plan: Enterprise\nRenewal: 2025-03-01")[0];

        Generate(segment, Segmenters.CrmRecord).InputText.Should().Be("What do we have on record for this customer?");
    }
}
