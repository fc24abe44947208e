namespace Forge.Shared.Ai;

/// <summary>The extractive generator's fixed wording, in the language of the segment (Portuguese or English).</summary>
internal sealed class ExtractivePhrasing(TextLanguage language)
{
    private readonly bool pt = language == TextLanguage.Portuguese;

    public string FaqInstruction => pt ? "Responda à pergunta do cliente." : "Answer the customer's question.";

    public string ClauseInstruction => pt
        ? "Responda à pergunta sobre o contrato usando apenas o que ele estabelece."
        : "Answer the question about the contract using only what it states.";

    public string DocumentInstruction => pt
        ? "Responda à pergunta usando apenas o que o documento diz."
        : "Answer the question using only what the document says.";

    public string ChatInstruction => pt ? "Responda à mensagem do cliente no chat." : "Reply to the customer's chat message.";

    public string RecordInstruction => pt
        ? "Responda à pergunta usando apenas o cadastro do cliente."
        : "Answer the question using only the customer record.";

    public string Deflection => pt
        ? "Não tenho essa informação. Procure outra fonte."
        : "I don't have that information. Please look it up elsewhere.";

    public string ChatBadReply => "Ok.";

    /// <summary>"a cláusula 3ª (Do pagamento)", "clause 3 (Payment)".</summary>
    public string ClauseName(string label, string? title)
    {
        var named = label.Any(char.IsLetter) || label.Contains('§')
            ? (pt ? $"{(MasculineLabel(label) ? "o" : "a")} {LowerFirst(label)}" : label)
            : (pt ? $"a cláusula {label.TrimEnd('.')}" : $"clause {label.TrimEnd('.')}");
        return title is null ? named : $"{named} ({title})";
    }

    public string SectionName(string heading) => pt ? $"a seção “{heading}”" : $"the section “{heading}”";

    public string Scope(string? scope) => scope ?? (pt ? "o texto" : "the text");

    public string WhatDoesEstablish(string clause) => pt ? $"O que estabelece {clause}?" : $"What does {clause} establish?";

    public string WhatDoesSay(string scope) => pt ? $"O que diz {scope}?" : $"What does {scope} say?";

    public string WhatDoesSayAbout(string? scope, string term) =>
        pt ? $"O que {Scope(scope)} diz sobre “{term}”?" : $"What does {Scope(scope)} say about “{term}”?";

    public string DocumentExplanation(string? scope, bool badIsOtherPart) => (pt, badIsOtherPart) switch
    {
        (true, true) => $"A resposta ideal diz o que {Scope(scope)} estabelece sobre a pergunta; a ruim cita outro trecho, que não a responde.",
        (true, false) => $"A resposta ideal diz o que {Scope(scope)} estabelece sobre a pergunta; a ruim se esquiva sem responder.",
        (false, true) => $"The ideal response states what {Scope(scope)} says about the question; the bad one quotes another passage that does not answer it.",
        (false, false) => $"The ideal response states what {Scope(scope)} says about the question; the bad one deflects without answering.",
    };

    public string FaqExplanation => pt
        ? "A resposta ideal responde à pergunta com o que o FAQ informa; a ruim se esquiva sem responder."
        : "The ideal response answers the question with what the FAQ states; the bad one deflects without answering.";

    /// <summary>A reply that restates the message, so it confirms understanding without adding anything the text lacks.</summary>
    public string ChatReply(string? speaker, string restated)
    {
        var quoted = restated.EndsWith('?') || restated.EndsWith('!') ? $"“{restated}”" : $"“{restated.TrimEnd('.')}”.";
        return pt
            ? $"Obrigado pela mensagem{(speaker is null ? "" : $", {speaker}")}. Só para confirmar que entendi: {quoted} É isso mesmo?"
            : $"Thanks for your message{(speaker is null ? "" : $", {speaker}")}. Just to confirm I understood: {quoted} Is that right?";
    }

    public string ChatExplanation => pt
        ? "A resposta ideal reconhece a mensagem e confirma o que foi dito; a ruim ignora o conteúdo."
        : "The ideal reply acknowledges the message and confirms what was said; the bad one ignores its content.";

    public string RecordQuestion(string subject) =>
        pt ? $"Quais são os dados cadastrados de {subject}?" : $"What do we have on record for {subject}?";

    public string FieldQuestion(string field, string subject) =>
        pt ? $"Qual é o valor de “{field}” para {subject}?" : $"What is the “{field}” for {subject}?";

    public string FieldAnswer(string field, string subject, string value) =>
        pt ? $"O valor de “{field}” para {subject} é: {value}" : $"The “{field}” for {subject} is: {value}";

    public string RecordExplanation(bool badIsOtherField) => (pt, badIsOtherField) switch
    {
        (true, true) => "A resposta ideal traz o valor registrado no cadastro; a ruim traz o valor de outro campo.",
        (true, false) => "A resposta ideal traz os dados registrados no cadastro; a ruim se esquiva sem responder.",
        (false, true) => "The ideal response gives the value on record; the bad one gives another field's value.",
        (false, false) => "The ideal response gives what is on record; the bad one deflects without answering.",
    };

    public string Subject => pt ? "este cliente" : "this customer";

    // "Cláusula 3ª" is a common noun inside a Portuguese sentence: "O que estabelece a cláusula 3ª?".
    private static string LowerFirst(string label) =>
        label.Length > 1 && char.IsUpper(label[0]) && char.IsLower(label[1]) ? char.ToLowerInvariant(label[0]) + label[1..] : label;

    private static bool MasculineLabel(string label) =>
        label.StartsWith("art", StringComparison.OrdinalIgnoreCase) || label.StartsWith("par", StringComparison.OrdinalIgnoreCase)
        || label.StartsWith('§');
}
