using System.Globalization;
using System.Text;
using Forge.Shared.Storage;

namespace Forge.Functions.Documents;

/// <summary>
/// A stored file name made from an untrusted one: the last path segment only, no control or reserved
/// characters, no leading dots, and the detected format's extension (a name like <c>.txt</c> or <c>_.txt</c> has
/// no stem left, so it becomes <c>document.txt</c>). At most 200 characters and 200 UTF-8 bytes (a blob key
/// segment's limit), cut between whole characters. Never used as a path on its own: it only ends a blob key
/// Forge builds.
/// </summary>
public static class SafeFileName
{
    private const int MaxLength = 200;
    private const int MaxBytes = BlobKey.MaxSegmentBytes;

    public static string From(string? untrusted, string format)
    {
        var name = (untrusted ?? "").Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        var builder = new StringBuilder(name.Length);
        // Runes, so a lone surrogate becomes U+FFFD instead of making Normalize throw.
        foreach (var rune in name.EnumerateRunes())
        {
            builder.Append(rune.Value switch
            {
                _ when Rune.IsControl(rune) || Rune.IsWhiteSpace(rune) => "_",
                < 128 when "<>:\"|?*%#&{}$!'`=+@;,".Contains((char)rune.Value) => "_",
                _ => rune.ToString(),
            });
        }
        var cleaned = builder.ToString().Normalize(NormalizationForm.FormC);
        var extension = "." + format;
        var stem = Trim(Path.GetFileNameWithoutExtension(cleaned));
        stem = Trim(Truncate(stem, MaxLength - extension.Length, MaxBytes - Encoding.UTF8.GetByteCount(extension)));
        return (stem.Length == 0 ? "document" : stem) + extension;
    }

    private static string Trim(string stem) => stem.TrimStart('.', '_').TrimEnd('.', ' ');

    /// <summary>The longest prefix of whole text elements within both limits.</summary>
    private static string Truncate(string text, int maxChars, int maxBytes)
    {
        var (chars, bytes) = (0, 0);
        while (chars < text.Length)
        {
            var length = StringInfo.GetNextTextElementLength(text, chars);
            var elementBytes = Encoding.UTF8.GetByteCount(text.AsSpan(chars, length));
            if (chars + length > maxChars || bytes + elementBytes > maxBytes)
            {
                break;
            }
            chars += length;
            bytes += elementBytes;
        }
        return text[..chars];
    }
}
