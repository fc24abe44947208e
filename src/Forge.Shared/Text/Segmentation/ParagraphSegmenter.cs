using System.Text.Json.Nodes;

namespace Forge.Shared.Text.Segmentation;

/// <summary>
/// Paragraphs separated by blank lines; a heading (Markdown <c>#</c>, an ALL CAPS line, or a short line without a
/// final period followed by text) travels with the paragraph after it and is named in <c>heading</c>.
/// </summary>
public sealed class ParagraphSegmenter : ISegmenter
{
    private const int MaxShortHeadingLength = 80;
    private const int MaxCapsHeadingLength = 150;
    private const int MinHeadingShortfall = 20;

    public string Type => Segmenters.Paragraph;

    public IReadOnlyList<TextSegment> Segment(ExtractedText text, SegmentConfig config)
    {
        var source = text.Text;
        var writer = new SegmentWriter(text, config);
        var blocks = Blocks(source);

        int? headingStart = null;
        string? heading = null;
        for (var b = 0; b < blocks.Count; b++)
        {
            var block = blocks[b];
            var hasNext = b + 1 < blocks.Count;
            var first = block[0];

            // A heading waits for the block after it; the last block never waits, so nothing is left pending.
            if (hasNext && block.Count == 1 && IsHeading(first.Read(source), allowShort: true))
            {
                headingStart ??= first.Start;
                heading = HeadingText(first.Read(source));
                continue;
            }
            if (block.Count > 1 && IsHeadingAbove(first.Read(source), block[1].Read(source)))
            {
                headingStart ??= first.Start;
                heading = HeadingText(first.Read(source));
            }

            var fields = heading is null ? null : new JsonObject { ["heading"] = heading };
            writer.Add(headingStart ?? first.Start, block[^1].End, fields);
            headingStart = null;
            heading = null;
        }
        return writer.Segments;
    }

    private static List<List<TextLine>> Blocks(string source)
    {
        var blocks = new List<List<TextLine>>();
        List<TextLine>? current = null;
        foreach (var line in TextLine.Split(source))
        {
            if (line.IsBlank(source))
            {
                current = null;
                continue;
            }
            if (current is null)
            {
                current = [];
                blocks.Add(current);
            }
            current.Add(line);
        }
        return blocks;
    }

    private static bool IsHeading(string line, bool allowShort)
    {
        if (line.StartsWith('#'))
        {
            return line.TrimStart('#').Trim().Length > 0;
        }
        var letters = 0;
        var hasLower = false;
        foreach (var c in line)
        {
            if (char.IsLetter(c))
            {
                letters++;
                hasLower |= char.IsLower(c);
            }
        }
        if (letters >= 2 && !hasLower && line.Length <= MaxCapsHeadingLength)
        {
            return true;
        }
        return allowShort && letters > 0 && line.Length <= MaxShortHeadingLength && line[^1] is not ('.' or '!' or ';' or ',');
    }

    /// <summary>
    /// The first line of a block is a heading when marked (<c>#</c>, ALL CAPS) or when it is a short line clearly
    /// shorter than the text under it: the first line of a hard-wrapped paragraph is as long as the ones after it.
    /// </summary>
    private static bool IsHeadingAbove(string line, string next) =>
        IsHeading(line, allowShort: false)
        || (line.Length <= MaxShortHeadingLength / 2 && next.Length >= line.Length + MinHeadingShortfall && IsHeading(line, allowShort: true));

    private static string HeadingText(string line) => line.TrimStart('#').Trim().Trim('*').Trim();
}
