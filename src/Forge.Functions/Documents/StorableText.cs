using System.Buffers;
using System.Text;

namespace Forge.Functions.Documents;

/// <summary>
/// Whether a client-supplied string can be stored as is in both databases: PostgreSQL refuses NUL in text and
/// Npgsql refuses UTF-16 that is not valid (a lone surrogate), so both are refused up front as a 422.
/// </summary>
public static class StorableText
{
    public static bool IsStorable(string? value)
    {
        if (value is null)
        {
            return true;
        }
        var rest = value.AsSpan();
        if (rest.Contains('\0'))
        {
            return false;
        }
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out _, out var consumed) != OperationStatus.Done)
            {
                return false;
            }
            rest = rest[consumed..];
        }
        return true;
    }
}
