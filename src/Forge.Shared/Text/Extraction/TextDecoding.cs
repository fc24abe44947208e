using System.Text;
using System.Text.Unicode;

namespace Forge.Shared.Text.Extraction;

/// <summary>
/// Guesses the encoding of plain text: a BOM (UTF-8, UTF-16 LE/BE), else strict UTF-8, else UTF-16 without a
/// BOM (NULs on one side of each byte pair), else Windows-1252 (a superset of Latin-1's printable range).
/// </summary>
internal static class TextDecoding
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly Encoding StrictUtf16Le = new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true);
    private static readonly Encoding StrictUtf16Be = new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true);

    /// <summary>The encoding and BOM length of <paramref name="sample"/>, or null when it looks binary.</summary>
    /// <param name="isWhole">False when <paramref name="sample"/> is only the head of the content (may end mid-character).</param>
    public static (Encoding Encoding, int BomLength)? Detect(ReadOnlySpan<byte> sample, bool isWhole)
    {
        if (sample.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return (StrictUtf8, 3);
        }
        if (sample.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return (StrictUtf16Le, 2);
        }
        if (sample.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return (StrictUtf16Be, 2);
        }
        if (IsUtf8(sample, isWhole))
        {
            return HasBinaryControls(sample) ? null : (StrictUtf8, 0);
        }
        var utf16 = GuessUtf16(sample);
        if (utf16 is not null)
        {
            return (utf16, 0);
        }
        if (sample.Contains((byte)0) || HasBinaryControls(sample))
        {
            return null;
        }
        return (SingleByte, 0);
    }

    /// <summary>Windows-1252 when the code pages are available, else Latin-1 (always built in).</summary>
    public static Encoding SingleByte { get; } = CodePagesEncodingProvider.Instance.GetEncoding(1252) ?? Encoding.Latin1;

    private static bool IsUtf8(ReadOnlySpan<byte> sample, bool isWhole)
    {
        if (sample.Contains((byte)0))
        {
            return false;
        }
        if (Utf8.IsValid(sample))
        {
            return true;
        }
        // A head cut inside a multi-byte character is still UTF-8.
        for (var cut = 1; !isWhole && cut <= 3 && cut < sample.Length; cut++)
        {
            if (Utf8.IsValid(sample[..^cut]))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>UTF-16 without a BOM: most code units of Latin text have a zero high byte.</summary>
    private static Encoding? GuessUtf16(ReadOnlySpan<byte> sample)
    {
        var pairs = sample.Length / 2;
        if (pairs < 2)
        {
            return null;
        }
        int evenNuls = 0, oddNuls = 0;
        for (var i = 0; i + 1 < sample.Length; i += 2)
        {
            evenNuls += sample[i] == 0 ? 1 : 0;
            oddNuls += sample[i + 1] == 0 ? 1 : 0;
        }
        Encoding? guess = null;
        if (oddNuls >= pairs * 0.3 && evenNuls <= pairs * 0.05)
        {
            guess = StrictUtf16Le;
        }
        else if (evenNuls >= pairs * 0.3 && oddNuls <= pairs * 0.05)
        {
            guess = StrictUtf16Be;
        }
        if (guess is null)
        {
            return null;
        }
        try
        {
            // A cut surrogate pair at the end of a head is not a decoding error.
            var text = guess.GetString(sample[..(pairs * 2 - (pairs > 1 ? 2 : 0))]);
            return text.Contains('\0') ? null : guess;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>C0 controls other than tab, newlines, form feed and escape are rare in text, common in binaries.</summary>
    private static bool HasBinaryControls(ReadOnlySpan<byte> sample)
    {
        var controls = 0;
        foreach (var b in sample)
        {
            if (b < 0x20 && b is not (byte)'\t' and not (byte)'\n' and not (byte)'\r' and not 0x0C and not 0x1B)
            {
                controls++;
            }
        }
        return controls > Math.Max(1, sample.Length / 100);
    }
}
