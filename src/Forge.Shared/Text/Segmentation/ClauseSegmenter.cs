using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Forge.Shared.Text.Segmentation;

/// <summary>
/// Legal clauses: a new unit starts at each line opening with a clause marker (<c>Cláusula 1ª</c>,
/// <c>CLÁUSULA PRIMEIRA</c>, <c>Art. 5º</c>, <c>§ 2º</c>, <c>Parágrafo único</c>, <c>1.1</c>, <c>Section 3</c>...).
/// Metadata carries <c>clause_number</c>, <c>clause_label</c> and, when the marker line has one, <c>clause_title</c>.
/// Text before the first marker is kept as a unit of its own.
/// </summary>
public sealed partial class ClauseSegmenter : ISegmenter
{
    private const int MaxTitleLength = 100;

    public string Type => Segmenters.Clause;

    public IReadOnlyList<TextSegment> Segment(ExtractedText text, SegmentConfig config)
    {
        var source = text.Text;
        var writer = new SegmentWriter(text, config);
        var unitStart = 0;
        JsonObject? fields = null;
        foreach (var line in TextLine.Split(source))
        {
            var match = line.Match(Marker(), source);
            if (!match.Success)
            {
                continue;
            }
            writer.Add(unitStart, line.Start, fields);
            unitStart = line.Start;
            fields = Fields(match);
        }
        writer.Add(unitStart, source.Length, fields);
        return writer.Segments;
    }

    private static JsonObject Fields(Match match)
    {
        var fields = new JsonObject
        {
            ["clause_number"] = OrdinalSuffixGap().Replace(Whitespace().Replace(match.Groups["num"].Value.Trim(), " "), "${suffix}"),
            ["clause_label"] = Whitespace().Replace(match.Groups["label"].Value.Trim(), " "),
        };
        var rest = match.Groups["rest"].Value.Trim().TrimStart('.', ':', '-', '–', '—', ')', ' ', '\t').Trim().Trim('*').Trim();
        if (rest.Length is > 0 and <= MaxTitleLength && rest[^1] is not ('.' or ';' or ','))
        {
            fields["clause_title"] = rest.TrimEnd(':').Trim();
        }
        return fields;
    }

    private const string Ordinal =
        @"(?:primeir[oa]|segund[oa]|terceir[oa]|quart[oa]|quint[oa]|sext[oa]|s[ée]tim[oa]|oitav[oa]|non[oa]|d[ée]cim[oa]" +
        @"|vig[ée]sim[oa]|trig[ée]sim[oa]|quadrag[ée]sim[oa]|[úu]nic[oa])\b";

    // Matched against every line of user text, so NonBacktracking (linear in the line), which has no lookarounds: what
    // must follow a numbered label (a blank, or blanks and a capital) opens the rest of the line instead.
    [GeneratedRegex(
        @"^[\s#*>]*(?:" +
        @"(?<label>(?:cl[áa]usula|clause|artigo|article|art\.?|section|sec\.|se[çc][ãa]o|par[áa]grafo|§)\s*" +
        @"(?<num>\d+(?:\.\d+)*\s?[ªº°]?|" + Ordinal + @"(?:[\s-]+" + Ordinal + @")?))(?<rest>.*)" +
        @"|(?<label>(?<num>\d+(?:\.\d+)+)\.?)(?<rest>\s.*|)" +
        @"|(?<label>(?<num>\d+)\.)(?<rest>\s+(?-i:\p{Lu}).*)" +
        @")$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture | RegexOptions.NonBacktracking)]
    private static partial Regex Marker();

    [GeneratedRegex(@"\s+(?<suffix>[ªº°])", RegexOptions.ExplicitCapture | RegexOptions.NonBacktracking)]
    private static partial Regex OrdinalSuffixGap();

    [GeneratedRegex(@"\s+", RegexOptions.NonBacktracking)]
    private static partial Regex Whitespace();
}
