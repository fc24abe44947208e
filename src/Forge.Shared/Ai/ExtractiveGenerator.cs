using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Forge.Shared.Text.Segmentation;

namespace Forge.Shared.Ai;

/// <summary>
/// Builds items from the segment text itself, offline and deterministically: FAQ pairs as they are, clauses and
/// paragraphs as questions answered by their most central sentences, chat messages as acknowledged turns, CRM records
/// as questions about their fields. It never states anything the segment does not; it is not an LLM and does not
/// pretend to be one (no model, no tokens).
/// </summary>
public sealed partial class ExtractiveGenerator : IItemGenerator
{
    public const string GeneratorName = "extractive";

    public const string SegmentTooShort = "segment_too_short";

    public string Name => GeneratorName;

    public Task<GenerationResult> GenerateAsync(GenerationPrompt prompt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new GenerationResult(Generate(prompt), GeneratorName, null, default));
    }

    /// <exception cref="GenerationSkippedException"><c>segment_too_short</c>: nothing to ask about, or no text left for this variant.</exception>
    public static GeneratedItem Generate(GenerationPrompt prompt)
    {
        var text = prompt.SegmentText;
        var metadata = prompt.SegmentMetadata;
        return prompt.SegmentType switch
        {
            Segmenters.Faq when String(metadata, "question") is { } question => Faq(text, question, prompt.Variant),
            Segmenters.ChatMessage => Chat(text, String(metadata, "speaker"), prompt.Variant),
            Segmenters.CrmRecord when metadata["fields"] is JsonObject fields && Fields(fields).Count > 0 =>
                Record(Fields(fields), prompt.Variant),
            Segmenters.Clause => ExtractiveDocumentItems.Clause(text, metadata, prompt.Variant),
            _ => ExtractiveDocumentItems.Paragraph(text, String(metadata, "heading"), prompt.Variant),
        };
    }

    private static GeneratedItem Faq(string text, string question, int variant)
    {
        var phrasing = new ExtractivePhrasing(Sentences.Language(text));
        // An FAQ pair holds one question; a second item would need a paraphrase, which extraction cannot make.
        if (variant > 0)
        {
            throw TooShort($"an FAQ pair makes one item; variant {variant} would repeat it");
        }
        var answer = string.Join(' ', Sentences.Split(FaqAnswer(text, question)));
        if (answer.Length == 0)
        {
            throw TooShort("the FAQ question has no answer in this segment");
        }
        return new GeneratedItem(phrasing.FaqInstruction, question, answer, phrasing.Deflection, phrasing.FaqExplanation);
    }

    /// <summary>The segment without its question lines and answer marker (<c>R:</c>, <c>A:</c>, <c>Resposta:</c>...).</summary>
    internal static string FaqAnswer(string text, string question)
    {
        if (AnswerMarker().Match(text) is { Success: true } marker)
        {
            return text[(marker.Index + marker.Length)..].Trim();
        }
        var normalizedQuestion = Collapse(question);
        var lines = text.Split('\n');
        var skip = 0;
        // A continued part of a long pair starts with answer text, so only lines that are part of the question go.
        while (skip < lines.Length && QuestionPrefix().Replace(lines[skip], "").Trim().Trim('*').Trim() is var line
            && (line.Length == 0 || normalizedQuestion.Contains(Collapse(line), StringComparison.Ordinal)))
        {
            skip++;
        }
        return string.Join('\n', lines[skip..]).Trim();
    }

    private static GeneratedItem Chat(string text, string? speaker, int variant)
    {
        var phrasing = new ExtractivePhrasing(Sentences.Language(text));
        var sentences = Sentences.Split(text);
        if (sentences.Count == 0 || !sentences.SelectMany(Sentences.Terms).Any())
        {
            throw TooShort("the message has no words to reply to");
        }
        if (variant >= sentences.Count)
        {
            throw TooShort($"variant {variant} needs {variant + 1} sentences; the message has {sentences.Count}");
        }
        // The first item restates the whole message when it is short; later ones confirm one sentence each.
        var whole = string.Join(' ', sentences);
        var restated = variant == 0 && whole.Length <= 300 ? whole : sentences[Sentences.Rank(sentences)[variant]];
        return new GeneratedItem(phrasing.ChatInstruction, text.Trim(), phrasing.ChatReply(speaker, restated),
            phrasing.ChatBadReply, phrasing.ChatExplanation);
    }

    private static GeneratedItem Record(List<(string Key, string Value)> fields, int variant)
    {
        var phrasing = new ExtractivePhrasing(Sentences.Language(string.Join('\n', fields.Select(f => $"{f.Key}: {f.Value}"))));
        var subjectIndex = fields.FindIndex(f => SubjectKey().IsMatch(f.Key));
        var subject = subjectIndex >= 0 ? fields[subjectIndex].Value : phrasing.Subject;
        var others = fields.Where((_, i) => i != subjectIndex).ToList();
        if (variant == 0)
        {
            var listing = string.Join('\n', fields.Select(f => $"{f.Key}: {f.Value}"));
            return new GeneratedItem(phrasing.RecordInstruction, phrasing.RecordQuestion(subject), listing,
                phrasing.Deflection, phrasing.RecordExplanation(badIsOtherField: false));
        }
        if (variant > others.Count)
        {
            throw TooShort($"variant {variant} needs {variant} fields besides the name; the record has {others.Count}");
        }
        var (key, value) = others[variant - 1];
        // Another field's value, asserted as this one's: the mistake a model that misreads records makes.
        var wrong = others.Where(f => f.Value != value).Select(f => f.Value).FirstOrDefault();
        return new GeneratedItem(
            phrasing.RecordInstruction,
            phrasing.FieldQuestion(key, subject),
            phrasing.FieldAnswer(key, subject, value),
            wrong is null ? phrasing.Deflection : phrasing.FieldAnswer(key, subject, wrong),
            phrasing.RecordExplanation(badIsOtherField: wrong is not null));
    }

    private static List<(string Key, string Value)> Fields(JsonObject fields) =>
    [
        .. fields
            .Select(f => (Key: f.Key.Trim(), Value: f.Value is JsonValue v ? Scalar(v) : null))
            .Where(f => f.Key.Length > 0 && !string.IsNullOrWhiteSpace(f.Value))
            .Select(f => (f.Key, Collapse(f.Value!))),
    ];

    private static string? Scalar(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.Number => value.ToJsonString(),
        _ => null,
    };

    internal static string? String(JsonObject metadata, string name) =>
        metadata[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String
        && value.GetValue<string>().Trim() is { Length: > 0 } text ? text : null;

    internal static string Collapse(string text) => Whitespace().Replace(text, " ").Trim();

    internal static GenerationSkippedException TooShort(string why) =>
        new(SegmentTooShort, string.Create(CultureInfo.InvariantCulture, $"The extractive generator skipped this segment: {why}."));

    // Every pattern here runs over segment text, so each is NonBacktracking: linear in the text whatever it holds.
    // The marker sits on one line: with Multiline, a prefix that could cross lines ([\s>*]*) made each line start rescan
    // every following line of "*" (17 s on 100 KB), so the marker's own whitespace is horizontal ([\s-[\r\n]]).
    [GeneratedRegex(@"^[\s>*-[\r\n]]*(?:R|A|Resposta|Answer)[\s-[\r\n]]*\d*[\s-[\r\n]]*\**[\s-[\r\n]]*[:：]\s*\**",
        RegexOptions.IgnoreCase | RegexOptions.Multiline | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex AnswerMarker();

    [GeneratedRegex(@"^[\s#>*]*(?:(?:P|Q|Pergunta|Question)\s*\d*\s*\**\s*[:：]\s*\**)?",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex QuestionPrefix();

    [GeneratedRegex(@"^(?:nome|name|full[ _]?name|nome[ _]completo|cliente|customer|client|raz[ãa]o[ _]social|empresa|company|contato|contact)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex SubjectKey();

    [GeneratedRegex(@"\s+", RegexOptions.NonBacktracking)]
    private static partial Regex Whitespace();
}
