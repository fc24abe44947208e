using System.Globalization;
using System.Text.Json.Nodes;

namespace Forge.Shared.Ai;

/// <summary>
/// Items from running text (clauses, paragraphs): a question about the segment's topic or one of its terms, answered by
/// sentences selected from the segment. Variant k focuses on the k-th most central sentence, so variants differ.
/// </summary>
internal static class ExtractiveDocumentItems
{
    private const int MinTerms = 3;
    private const int MaxAnswerSentences = 3;
    private const int MaxAnswerLength = 600;
    private const int ShortSentence = 80;

    public static GeneratedItem Clause(string text, JsonObject metadata, int variant)
    {
        var label = ExtractiveGenerator.String(metadata, "clause_label") ?? ExtractiveGenerator.String(metadata, "clause_number");
        if (label is null)
        {
            // Text before the first clause marker (a preamble) has no clause to name.
            return Paragraph(text, null, variant);
        }
        var title = ExtractiveGenerator.String(metadata, "clause_title");
        var body = DropMarkerLine(text, label, title);
        var phrasing = new ExtractivePhrasing(Sentences.Language(body));
        var clause = phrasing.ClauseName(Unshout(label, sentenceCase: false), title is null ? null : Unshout(title, sentenceCase: true));
        return Build(body, title, clause, phrasing.WhatDoesEstablish(clause), phrasing.ClauseInstruction, phrasing, variant);
    }

    public static GeneratedItem Paragraph(string text, string? heading, int variant)
    {
        var body = heading is null ? text : DropHeadingLine(text, heading);
        var phrasing = new ExtractivePhrasing(Sentences.Language(body));
        var section = heading is null ? null : phrasing.SectionName(Unshout(heading, sentenceCase: true));
        var topicQuestion = section is null ? null : phrasing.WhatDoesSay(section);
        return Build(body, heading, section, topicQuestion, phrasing.DocumentInstruction, phrasing, variant);
    }

    private static GeneratedItem Build(
        string body, string? title, string? scope, string? topicQuestion, string instruction, ExtractivePhrasing phrasing, int variant)
    {
        var sentences = Sentences.Split(body);
        if (sentences.SelectMany(Sentences.Terms).Count() < MinTerms)
        {
            throw ExtractiveGenerator.TooShort($"fewer than {MinTerms} content words");
        }
        if (variant >= sentences.Count)
        {
            throw ExtractiveGenerator.TooShort($"variant {variant} needs {variant + 1} sentences; the segment has {sentences.Count}");
        }
        var ranked = Sentences.Rank(sentences, title);

        // Each variant asks about a term earlier variants did not, so no two questions coincide.
        var used = new HashSet<string>(title is null ? [] : Sentences.Terms(title));
        string? term = null;
        for (var k = 0; k <= variant; k++)
        {
            term = Sentences.KeyTerms(sentences[ranked[k]], body).FirstOrDefault(t => !used.Contains(t));
            if (term is not null)
            {
                used.Add(term);
            }
        }

        string question;
        List<int> chosen;
        if (variant == 0)
        {
            question = topicQuestion
                ?? (term is null ? phrasing.WhatDoesSay(phrasing.Scope(null)) : phrasing.WhatDoesSayAbout(null, AsWritten(term, sentences[ranked[0]])));
            chosen = Central(ranked, sentences);
        }
        else
        {
            if (term is null)
            {
                throw ExtractiveGenerator.TooShort($"the sentence for variant {variant} has no term earlier variants did not ask about");
            }
            question = phrasing.WhatDoesSayAbout(scope, AsWritten(term, sentences[ranked[variant]]));
            chosen = [ranked[variant]];
            // A short focal sentence rarely stands alone ("Não."); the next one usually completes it.
            if (sentences[ranked[variant]].Length < ShortSentence && ranked[variant] + 1 < sentences.Count)
            {
                chosen.Add(ranked[variant] + 1);
            }
        }

        var ideal = string.Join(' ', chosen.Order().Select(i => sentences[i]));
        // The least central sentence outside the answer: text from the same document that does not answer the question.
        var offTopic = ranked.Where(i => !chosen.Contains(i)).Select(i => (int?)i).LastOrDefault();
        var bad = offTopic is { } other ? sentences[other] : phrasing.Deflection;
        return new GeneratedItem(instruction, question, ideal, bad, phrasing.DocumentExplanation(scope, badIsOtherPart: offTopic is not null));
    }

    /// <summary>The most central sentences, in text order, up to three and about <see cref="MaxAnswerLength"/> characters.</summary>
    private static List<int> Central(List<int> ranked, List<string> sentences)
    {
        var chosen = new List<int> { ranked[0] };
        var length = sentences[ranked[0]].Length;
        foreach (var index in ranked.Skip(1))
        {
            if (chosen.Count >= MaxAnswerSentences || length + sentences[index].Length > MaxAnswerLength)
            {
                break;
            }
            chosen.Add(index);
            length += sentences[index].Length;
        }
        return chosen;
    }

    /// <summary>The term with the casing the text uses ("Pix", not "pix").</summary>
    private static string AsWritten(string term, string sentence)
    {
        var at = sentence.IndexOf(term, StringComparison.OrdinalIgnoreCase);
        return at >= 0 ? sentence.Substring(at, term.Length) : term;
    }

    /// <summary>
    /// The clause text without its marker line when that line is only a heading: the marker alone ("Cláusula 3ª") or the
    /// marker and the title the segmenter found ("CLÁUSULA 3ª – DO PAGAMENTO"). A marker line that opens the text stays.
    /// </summary>
    private static string DropMarkerLine(string text, string label, string? title)
    {
        var (first, rest) = FirstLine(text);
        if (rest.Length == 0)
        {
            return text;
        }
        var labelAt = first.IndexOf(label, StringComparison.OrdinalIgnoreCase);
        var afterLabel = labelAt < 0 ? first : first[(labelAt + label.Length)..];
        var onlyMarker = labelAt >= 0 && !afterLabel.Any(char.IsLetter);
        var markerAndTitle = title is not null && first.Contains(title, StringComparison.OrdinalIgnoreCase);
        return onlyMarker || markerAndTitle ? rest : text;
    }

    private static string DropHeadingLine(string text, string heading)
    {
        var (first, rest) = FirstLine(text);
        return rest.Length > 0 && first.TrimStart('#').Trim().Trim('*').Trim() == heading ? rest : text;
    }

    private static (string First, string Remainder) FirstLine(string text)
    {
        var trimmed = text.Trim();
        var newline = trimmed.IndexOf('\n');
        return newline < 0 ? (trimmed, "") : (trimmed[..newline].Trim(), trimmed[(newline + 1)..].Trim());
    }

    /// <summary>ALL CAPS headings read as shouting inside a question: "DO PAGAMENTO" becomes "Do pagamento".</summary>
    private static string Unshout(string text, bool sentenceCase)
    {
        if (!text.Any(char.IsLetter) || text.Any(char.IsLower))
        {
            return text;
        }
        var lower = text.ToLower(CultureInfo.InvariantCulture);
        return sentenceCase ? char.ToUpper(lower[0], CultureInfo.InvariantCulture) + lower[1..] : lower;
    }
}
