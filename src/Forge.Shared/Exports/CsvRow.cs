using System.Buffers;
using System.Text;

namespace Forge.Shared.Exports;

/// <summary>
/// One RFC 4180 row, UTF-8, without its line break: a field containing a comma, a quote, CR or LF is quoted and its
/// quotes doubled; null and empty are both an empty field.
/// With <c>escapeFormulas</c> (the default of every export) a field starting with <c>=</c>, <c>+</c>, <c>-</c>,
/// <c>@</c>, tab or CR gets a leading <c>'</c>, OWASP's defence against CSV injection: a spreadsheet opening the file
/// shows the text instead of running it as a formula (<c>=HYPERLINK(...)</c>, <c>=cmd|...</c>). It changes the text
/// (and the row's content hash), so an export may ask for the raw text when no person opens the file in a sheet.
/// </summary>
internal static class CsvRow
{
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\r\n");
    private static readonly SearchValues<char> FormulaStarts = SearchValues.Create("=+-@\t\r");

    public static void Write(IBufferWriter<byte> output, IReadOnlyList<string?> fields, bool escapeFormulas)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                output.Write(","u8);
            }
            WriteField(output, fields[i], escapeFormulas);
        }
    }

    private static void WriteField(IBufferWriter<byte> output, string? value, bool escapeFormulas)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }
        var text = value.AsSpan();
        var prefix = escapeFormulas && FormulaStarts.Contains(text[0]);
        if (!text.ContainsAny(NeedsQuotes))
        {
            if (prefix)
            {
                output.Write("'"u8);
            }
            Encode(output, text);
            return;
        }
        output.Write(prefix ? "\"'"u8 : "\""u8);
        foreach (var range in text.Split('"'))
        {
            if (range.Start.Value > 0)
            {
                output.Write("\"\""u8);
            }
            Encode(output, text[range]);
        }
        output.Write("\""u8);
    }

    private static void Encode(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        var bytes = Encoding.UTF8.GetBytes(text, output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length)));
        output.Advance(bytes);
    }
}
