using System.Text;

namespace Forge.Functions.Documents;

/// <summary>
/// A stored file name made from an untrusted one: the last path segment only, no control or reserved
/// characters, no leading dots, at most 200 characters with the extension kept. Never used as a path
/// on its own: it only ends a blob key Forge builds.
/// </summary>
public static class SafeFileName
{
    private const int MaxLength = 200;

    public static string From(string? untrusted, string fallbackExtension)
    {
        var name = (untrusted ?? "").Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        var builder = new StringBuilder(name.Length);
        foreach (var c in name.Normalize(NormalizationForm.FormC))
        {
            builder.Append(char.IsControl(c) || "<>:\"|?*%#&{}$!'`=+@;,".Contains(c) ? '_' : char.IsWhiteSpace(c) ? '_' : c);
        }
        var cleaned = builder.ToString().TrimStart('.', '_').TrimEnd('.', ' ');
        var extension = Path.GetExtension(cleaned);
        var stem = Path.GetFileNameWithoutExtension(cleaned);
        if (stem.Length == 0)
        {
            stem = "document";
            extension = "." + fallbackExtension;
        }
        extension = extension.ToLowerInvariant();
        if (stem.Length + extension.Length > MaxLength)
        {
            stem = stem[..(MaxLength - extension.Length)];
        }
        return stem + extension;
    }
}
