using System.Buffers;
using System.Text;

namespace Forge.Shared.Exports;

/// <summary>
/// One RFC 4180 row, UTF-8, without its line break: a field containing a comma, a quote, CR or LF is quoted and its
/// quotes doubled; null and empty are both an empty field.
/// Content is written as is. Cells starting with = + - @ are not prefixed against spreadsheet formula injection:
/// these files are training data for a model, not sheets for a person to open, and a prefix would change the text
/// the model learns from (and the content hash) to protect a use the export is not for.
/// </summary>
internal static class CsvRow
{
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\r\n");

    public static void Write(IBufferWriter<byte> output, IReadOnlyList<string?> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                output.Write(","u8);
            }
            WriteField(output, fields[i]);
        }
    }

    private static void WriteField(IBufferWriter<byte> output, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }
        var text = value.AsSpan();
        if (!text.ContainsAny(NeedsQuotes))
        {
            Encode(output, text);
            return;
        }
        output.Write("\""u8);
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
