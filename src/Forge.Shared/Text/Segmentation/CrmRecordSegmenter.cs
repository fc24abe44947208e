using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Forge.Shared.Text.Segmentation;

/// <summary>
/// One segment per CRM record: a CSV data row (named by the header row) or, when the text is not a CSV, a
/// blank-line-separated block of <c>key: value</c> lines. The record's fields go to <c>fields</c> in metadata.
/// </summary>
public sealed partial class CrmRecordSegmenter : ISegmenter
{
    // Rows may be ragged; below this share of rows matching the header the text is not treated as a table.
    private const double MinMatchingRowShare = 0.8;

    public string Type => Segmenters.CrmRecord;

    public IReadOnlyList<TextSegment> Segment(ExtractedText text, SegmentConfig config)
    {
        var writer = new SegmentWriter(text, config);
        if (TryReadCsv(text.Text) is { } rows)
        {
            var header = HeaderNames(rows[0].Fields);
            foreach (var row in rows.Skip(1))
            {
                var fields = new JsonObject();
                for (var i = 0; i < row.Fields.Count; i++)
                {
                    fields[i < header.Count ? header[i] : $"column_{i + 1}"] = row.Fields[i];
                }
                writer.Add(row.Start, row.End, new JsonObject { ["fields"] = fields });
            }
        }
        else
        {
            WriteKeyValueBlocks(text.Text, writer);
        }
        return writer.Segments;
    }

    private static List<CsvRecord>? TryReadCsv(string source)
    {
        // "Nome: Silva, Ana" lines would also read as two-column rows; a record that opens with a key is not a table.
        if (CsvRecords.FirstNonBlankLine(source) is not { } first || KeyValueLine().IsMatch(first)
            || CsvRecords.DetectDelimiter(source) is not { } delimiter)
        {
            return null;
        }
        var records = CsvRecords.Read(source, delimiter);
        if (records.Count < 2 || records[0].Fields.Count < 2)
        {
            return null;
        }
        var matching = records.Skip(1).Count(r => r.Fields.Count == records[0].Fields.Count);
        return matching >= MinMatchingRowShare * (records.Count - 1) ? records : null;
    }

    private static List<string> HeaderNames(List<string> header)
    {
        var names = new List<string>();
        for (var i = 0; i < header.Count; i++)
        {
            var cell = header[i].Trim('\ufeff', ' ');
            var name = cell.Length > 0 ? cell : $"column_{i + 1}";
            names.Add(names.Contains(name) ? $"{name}_{i + 1}" : name);
        }
        return names;
    }

    private static void WriteKeyValueBlocks(string source, SegmentWriter writer)
    {
        int? blockStart = null;
        var blockEnd = 0;
        // Values grow line by line (multi-line notes): builders, so a long note costs its length, not its length squared.
        var fields = new List<(string Key, StringBuilder Value)>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        void Flush()
        {
            if (blockStart is { } start)
            {
                var record = new JsonObject();
                foreach (var (key, value) in fields)
                {
                    record[key] = value.ToString();
                }
                writer.Add(start, blockEnd, new JsonObject { ["fields"] = record });
            }
            blockStart = null;
            fields = [];
            keys.Clear();
        }
        foreach (var line in TextLine.Split(source))
        {
            if (line.IsBlank(source))
            {
                Flush();
                continue;
            }
            blockStart ??= line.Start;
            blockEnd = line.End;
            var match = line.Match(KeyValueLine(), source);
            if (match.Success)
            {
                var key = match.Groups["key"].Value.Trim();
                var name = keys.Contains(key) ? $"{key}_{fields.Count + 1}" : key;
                keys.Add(name);
                fields.Add((name, new StringBuilder(match.Groups["value"].Value.Trim())));
            }
            else if (fields.Count > 0)
            {
                // A line without a key continues the previous value (multi-line notes).
                fields[^1].Value.Append('\n').Append(line.Read(source));
            }
        }
        Flush();
    }

    // Matched against every line of user text, so NonBacktracking (linear in the line), which has no lookahead: the value
    // (trimmed by the caller) is anything after the colon that does not start with "//", so a URL is not a key.
    [GeneratedRegex(@"^\s*(?<key>[\p{L}\p{N}][^:\n]{0,59}?)\s*:(?<value>(?:[^/\n].*|/(?:[^/\n].*)?)?)$",
        RegexOptions.ExplicitCapture | RegexOptions.NonBacktracking)]
    private static partial Regex KeyValueLine();
}
