using System.Text;

namespace Forge.Shared.Text.Segmentation;

/// <summary>One CSV record: its fields and the [Start, End) range of the text it was read from.</summary>
internal sealed record CsvRecord(int Start, int End, List<string> Fields);

/// <summary>
/// A small RFC 4180 reader that keeps offsets: quoted fields may hold delimiters, newlines and doubled quotes.
/// Lenient by design (text after a closing quote is kept), because CRM exports are rarely clean.
/// </summary>
internal static class CsvRecords
{
    private static readonly char[] Delimiters = [',', ';', '\t'];

    /// <summary>The delimiter used most on the first non-blank line outside quotes, or null when it has none.</summary>
    public static char? DetectDelimiter(string text)
    {
        var line = FirstNonBlankLine(text);
        if (line is null)
        {
            return null;
        }
        var counts = new int[Delimiters.Length];
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && Array.IndexOf(Delimiters, c) is var d and >= 0)
            {
                counts[d]++;
            }
        }
        var best = Array.IndexOf(counts, counts.Max());
        return counts[best] > 0 ? Delimiters[best] : null;
    }

    public static string? FirstNonBlankLine(string text)
    {
        var start = 0;
        while (start < text.Length)
        {
            var newline = text.IndexOf('\n', start);
            var end = newline < 0 ? text.Length : newline;
            if (!string.IsNullOrWhiteSpace(text[start..end]))
            {
                return text[start..end];
            }
            start = end + 1;
        }
        return null;
    }

    public static List<CsvRecord> Read(string text, char delimiter)
    {
        var records = new List<CsvRecord>();
        var pos = 0;
        while (pos < text.Length)
        {
            var start = pos;
            var fields = new List<string>();
            var field = new StringBuilder();
            var quoted = false;
            var atFieldStart = true;
            while (pos < text.Length)
            {
                var c = text[pos];
                if (quoted)
                {
                    if (c == '"' && pos + 1 < text.Length && text[pos + 1] == '"')
                    {
                        field.Append('"');
                        pos += 2;
                        continue;
                    }
                    if (c == '"')
                    {
                        quoted = false;
                    }
                    else
                    {
                        field.Append(c);
                    }
                    pos++;
                    continue;
                }
                if (c == '\n')
                {
                    break;
                }
                if (c == delimiter)
                {
                    fields.Add(field.ToString().Trim());
                    field.Clear();
                    atFieldStart = true;
                    pos++;
                    continue;
                }
                if (c == '"' && atFieldStart && field.ToString().Trim().Length == 0)
                {
                    field.Clear();
                    quoted = true;
                }
                else
                {
                    field.Append(c);
                }
                atFieldStart = false;
                pos++;
            }
            fields.Add(field.ToString().Trim());
            var end = pos;
            pos++;
            if (fields.Any(f => f.Length > 0))
            {
                records.Add(new CsvRecord(start, end, fields));
            }
        }
        return records;
    }
}
