using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Forge.Shared.Text.Segmentation;

/// <summary>
/// Turns the logical units a segmenter finds (ranges of the text plus their own metadata) into numbered segments,
/// splitting units that are too long and adding offsets, page and part to every segment's metadata.
/// </summary>
internal sealed class SegmentWriter(ExtractedText text, SegmentConfig config)
{
    // An unchecked config (max_length 0) would never make progress; the API validates first, so this is a bug guard.
    private readonly SegmentConfig config = config.Validate() is { Count: > 0 } errors
        ? throw new ArgumentException(string.Join(" ", errors.Select(e => $"{e.Key} {e.Value}")), nameof(config))
        : config;

    private readonly List<TextSegment> segments = [];

    public IReadOnlyList<TextSegment> Segments => segments;

    public void Add(int start, int end, JsonObject? fields = null)
    {
        var pieces = LongTextSplitter.Split(text.Text, start, end, config);
        for (var i = 0; i < pieces.Count; i++)
        {
            var (pieceStart, pieceEnd) = pieces[i];
            var metadata = new JsonObject
            {
                ["char_start"] = pieceStart,
                ["char_end"] = pieceEnd,
            };
            if (text.PageAt(pieceStart) is { } page)
            {
                metadata["page"] = page;
            }
            if (fields is not null)
            {
                foreach (var (key, value) in fields)
                {
                    metadata[key] = value?.DeepClone();
                }
            }
            if (pieces.Count > 1)
            {
                metadata["part"] = i + 1;
                metadata["parts"] = pieces.Count;
            }
            segments.Add(new TextSegment(text.Text[pieceStart..pieceEnd], segments.Count, metadata));
        }
    }
}

/// <summary>One line of the text: [Start, End) without its newline.</summary>
internal readonly record struct TextLine(int Start, int End)
{
    public static List<TextLine> Split(string text)
    {
        var lines = new List<TextLine>();
        var start = 0;
        while (start <= text.Length)
        {
            var newline = text.IndexOf('\n', start);
            var end = newline < 0 ? text.Length : newline;
            lines.Add(new TextLine(start, end));
            if (newline < 0)
            {
                break;
            }
            start = newline + 1;
        }
        return lines;
    }

    public string Read(string text) => text[Start..End].Trim();

    /// <summary>Matches <paramref name="regex"/> against this line alone, so <c>^</c> and <c>$</c> anchor to it.</summary>
    public Match Match(Regex regex, string text) => regex.Match(text, Start, End - Start);

    public bool IsBlank(string text)
    {
        for (var i = Start; i < End; i++)
        {
            if (!char.IsWhiteSpace(text[i]))
            {
                return false;
            }
        }
        return true;
    }
}
