namespace Forge.Shared.Quality;

/// <summary>
/// Check digits of CPF (people) and CNPJ (companies), so an eleven- or fourteen-digit number is only reported as
/// one when it is one. The CNPJ may be alphanumeric (issued from July 2026): a character's value is its code minus '0'.
/// </summary>
internal static class BrazilianTaxIds
{
    private static readonly int[] CnpjFirstWeights = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
    private static readonly int[] CnpjSecondWeights = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];

    public static bool IsCpf(ReadOnlySpan<char> text)
    {
        Span<int> digits = stackalloc int[11];
        if (Collect(text, digits) != 11 || AllSame(digits))
        {
            return false;
        }
        return digits[9] == CpfDigit(digits[..9]) && digits[10] == CpfDigit(digits[..10]);
    }

    public static bool IsCnpj(ReadOnlySpan<char> text)
    {
        Span<int> values = stackalloc int[14];
        if (Collect(text, values) != 14 || AllSame(values) || values[12] > 9 || values[13] > 9)
        {
            return false;
        }
        return values[12] == CnpjDigit(values[..12], CnpjFirstWeights) && values[13] == CnpjDigit(values[..13], CnpjSecondWeights);
    }

    // Weights run from length+1 down to 2.
    private static int CpfDigit(ReadOnlySpan<int> digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            sum += digits[i] * (digits.Length + 1 - i);
        }
        return Remainder(sum);
    }

    private static int CnpjDigit(ReadOnlySpan<int> values, int[] weights)
    {
        var sum = 0;
        for (var i = 0; i < values.Length; i++)
        {
            sum += values[i] * weights[i];
        }
        return Remainder(sum);
    }

    private static int Remainder(int sum)
    {
        var remainder = sum % 11;
        return remainder < 2 ? 0 : 11 - remainder;
    }

    /// <summary>Digits and capital letters as values, skipping the punctuation; how many there were.</summary>
    private static int Collect(ReadOnlySpan<char> text, Span<int> values)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c))
            {
                if (count == values.Length)
                {
                    return count + 1;
                }
                values[count++] = c - '0';
            }
        }
        return count;
    }

    // 000.000.000-00 and 11.111.111/1111-11 pass the arithmetic but are placeholders, not documents.
    private static bool AllSame(ReadOnlySpan<int> values) => !values.ContainsAnyExcept(values[0]);
}
