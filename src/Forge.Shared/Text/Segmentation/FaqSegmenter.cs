using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Forge.Shared.Text.Segmentation;

/// <summary>
/// Question/answer pairs. When the text marks questions (<c>P:</c>, <c>Q:</c>, <c>Pergunta:</c>, <c>Question:</c>) only
/// those open a pair; otherwise a line ending with <c>?</c> opens one. Each pair runs to the next question, so the
/// content holds the question and its answer, and <c>question</c> in metadata holds the question alone.
/// </summary>
public sealed partial class FaqSegmenter : ISegmenter
{
    private const int MaxQuestionLineLength = 300;

    public string Type => Segmenters.Faq;

    public IReadOnlyList<TextSegment> Segment(ExtractedText text, SegmentConfig config)
    {
        var source = text.Text;
        var lines = TextLine.Split(source);
        var marked = lines.Any(line => line.Match(QuestionMarker(), source).Success);

        var writer = new SegmentWriter(text, config);
        var unitStart = 0;
        JsonObject? fields = null;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            string? question = null;
            if (marked)
            {
                var match = line.Match(QuestionMarker(), source);
                if (match.Success)
                {
                    question = MarkedQuestion(source, lines, i, match);
                }
            }
            else if (IsQuestionLine(line.Read(source)))
            {
                question = Clean(line.Read(source));
            }
            if (question is null)
            {
                continue;
            }
            writer.Add(unitStart, line.Start, fields);
            unitStart = line.Start;
            fields = new JsonObject { ["question"] = question };
        }
        writer.Add(unitStart, source.Length, fields);
        return writer.Segments;
    }

    /// <summary>The marked question, continued on the following lines until the answer, a blank line or another question.</summary>
    private static string MarkedQuestion(string source, List<TextLine> lines, int index, Match match)
    {
        var parts = new List<string> { source[(match.Index + match.Length)..lines[index].End].Trim() };
        for (var j = index + 1; j < lines.Count; j++)
        {
            var line = lines[j];
            if (line.IsBlank(source) || line.Match(AnswerMarker(), source).Success
                || line.Match(QuestionMarker(), source).Success)
            {
                break;
            }
            parts.Add(line.Read(source));
        }
        return Clean(string.Join(' ', parts.Where(p => p.Length > 0)));
    }

    private static bool IsQuestionLine(string line)
    {
        var cleaned = Clean(line);
        return cleaned.Length is > 1 and <= MaxQuestionLineLength && cleaned[^1] == '?' && !AnswerMarker().IsMatch(line);
    }

    private static string Clean(string question) => question.TrimStart('#', '>', ' ').Trim().Trim('*').Trim();

    // NonBacktracking: on a long line with no colon, "Q" then \s*\d*\s*\**\s* would try every split of the blanks.
    [GeneratedRegex(@"^[\s#>*]*(?:P|Q|Pergunta|Question)\s*\d*\s*\**\s*[:：]\s*\**",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex QuestionMarker();

    [GeneratedRegex(@"^[\s>*]*(?:R|A|Resposta|Answer)\s*\d*\s*\**\s*[:：]",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex AnswerMarker();
}
