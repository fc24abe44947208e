using System.Globalization;
using System.Text;

namespace Forge.Shared.Quality;

/// <summary>
/// Text reduced to its words: lower case, accents stripped, every run of non-letters and non-digits turned into one
/// space, so the checks see "Não," and "nao" as the same word.
/// </summary>
internal static class FoldedText
{
    // Precomputed for Latin-1 and Latin Extended A/B, which covers Portuguese and English; '\0' marks a separator.
    private const int TableSize = 0x250;
    private static readonly char[] Latin = BuildLatinTable();

    public static string Fold(string text)
    {
        var buffer = text.Length <= 512 ? stackalloc char[text.Length] : new char[text.Length];
        var length = 0;
        var pendingSpace = false;
        foreach (var c in text)
        {
            var folded = FoldChar(c);
            if (folded == '\0')
            {
                pendingSpace = length > 0;
                continue;
            }
            if (folded == Mark)
            {
                continue;
            }
            if (pendingSpace)
            {
                buffer[length++] = ' ';
                pendingSpace = false;
            }
            buffer[length++] = folded;
        }
        return new string(buffer[..length]);
    }

    /// <summary>The words of <paramref name="text"/>, folded.</summary>
    public static string[] Words(string text) => Fold(text).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    // A combining accent (from decomposed input) belongs to the letter before it: skipped, not a separator.
    private const char Mark = '\uFFFF';

    private static char FoldChar(char c)
    {
        if (c < TableSize)
        {
            return Latin[c];
        }
        if (char.IsLetterOrDigit(c))
        {
            return char.ToLowerInvariant(c);
        }
        return CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark ? Mark : '\0';
    }

    private static char[] BuildLatinTable()
    {
        var table = new char[TableSize];
        for (var i = 0; i < TableSize; i++)
        {
            var c = (char)i;
            if (!char.IsLetterOrDigit(c))
            {
                continue;
            }
            // Compatibility decomposition also turns º/ª into o/a and ² into 2.
            var decomposed = c.ToString().Normalize(NormalizationForm.FormKD);
            var first = decomposed.Length > 0 && char.IsLetterOrDigit(decomposed[0]) ? decomposed[0] : c;
            table[i] = char.ToLowerInvariant(first);
        }
        return table;
    }
}
