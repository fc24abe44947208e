using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Forge.Shared.Text.Segmentation;

/// <summary>
/// One segment per chat message; lines that do not open a message continue the previous one. Understands WhatsApp
/// exports (<c>12/03/2024 14:05 - Ana: ...</c>, <c>[12/03/24, 14:05:09] Ana: ...</c>), <c>[12:01] Ana: ...</c> and plain
/// <c>Ana: ...</c> logs. The content is the message text; <c>speaker</c>, <c>time</c> and <c>date</c> go to metadata.
/// </summary>
public sealed partial class ChatMessageSegmenter : ISegmenter
{
    public string Type => Segmenters.ChatMessage;

    public IReadOnlyList<TextSegment> Segment(ExtractedText text, SegmentConfig config)
    {
        var source = text.Text;
        var lines = TextLine.Split(source);
        // In a timestamped log, "Obs: ..." inside a message is text, not a new speaker.
        var timestamped = lines.Any(line => TimestampedMatch(source, line) is not null);

        var writer = new SegmentWriter(text, config);
        var bodyStart = 0;
        JsonObject? fields = null;
        foreach (var line in lines)
        {
            var match = timestamped ? TimestampedMatch(source, line) : Match(PlainLine(), source, line);
            if (match is null)
            {
                continue;
            }
            writer.Add(bodyStart, line.Start, fields);
            bodyStart = match.Index + match.Length;
            fields = [];
            foreach (var name in (string[])["speaker", "date", "time"])
            {
                if (match.Groups[name] is { Success: true } group && group.Value.Trim().Length > 0)
                {
                    fields[name] = group.Value.Trim();
                }
            }
        }
        writer.Add(bodyStart, source.Length, fields);
        return writer.Segments;
    }

    private static Match? TimestampedMatch(string source, TextLine line) =>
        Match(WhatsAppLine(), source, line) ?? Match(WhatsAppBracketLine(), source, line) ?? Match(TimeBracketLine(), source, line);

    private static Match? Match(Regex regex, string source, TextLine line)
    {
        var match = line.Match(regex, source);
        return match.Success ? match : null;
    }

    private const string Date = @"(?<date>\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})";
    private const string Time = @"(?<time>\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?\s?[Mm]\.?)?)";
    private const string Speaker = @"(?<speaker>[^:\n\[\]]{1,60}?):(?:\s|$)";

    // Matched against every line of user text: NonBacktracking keeps each match linear in the line.
    [GeneratedRegex(@"^[\s\u200e\ufeff]*" + Date + @",?\s+" + Time + @"\s+[-–]\s+(?:" + Speaker + ")?", RegexOptions.ExplicitCapture | RegexOptions.NonBacktracking)]
    private static partial Regex WhatsAppLine();

    [GeneratedRegex(@"^[\s\u200e\ufeff]*\[" + Date + @",?\s+" + Time + @"\]\s*(?:" + Speaker + ")?", RegexOptions.ExplicitCapture | RegexOptions.NonBacktracking)]
    private static partial Regex WhatsAppBracketLine();

    [GeneratedRegex(@"^[\s\u200e\ufeff]*\[" + Time + @"\]\s*" + Speaker, RegexOptions.ExplicitCapture | RegexOptions.NonBacktracking)]
    private static partial Regex TimeBracketLine();

    [GeneratedRegex(@"^[\s\u200e\ufeff]*(?<speaker>\p{L}[\p{L}\p{N} ._'’()-]{0,40}?):(?:\s|$)", RegexOptions.ExplicitCapture | RegexOptions.NonBacktracking)]
    private static partial Regex PlainLine();
}
