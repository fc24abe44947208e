using System.Text;
using Microsoft.AspNetCore.StaticFiles;

namespace Forge.Shared.Storage;

/// <summary>
/// Validation of blob keys, shared by every adapter so a key valid in one store is valid in all of them.
/// </summary>
public static class BlobKey
{
    public const int MaxLength = 1024;

    /// <summary>Keeps each segment, plus the file-system adapter's temp-file prefix, under the usual 255-byte file name limit.</summary>
    public const int MaxSegmentBytes = 200;

    /// <summary>File names the file-system adapter uses for its own temp and metadata files; no key segment may start with it.</summary>
    internal const string ReservedPrefix = ".forge~";

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    /// <summary>Returns <paramref name="key"/> when valid; otherwise throws <see cref="ArgumentException"/> saying why.</summary>
    public static string Validate(string key, string paramName = "key")
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException("A blob key must not be empty.", paramName);
        }
        if (key.EndsWith('/'))
        {
            throw new ArgumentException($"Blob key '{Printable(key)}' must not end with '/'.", paramName);
        }
        ValidatePath(key, paramName, "key");
        return key;
    }

    /// <summary>Why <paramref name="key"/> is not a usable key, or null when it is (listings may return names no key may have).</summary>
    public static string? Problem(string key)
    {
        try
        {
            Validate(key);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
        }
    }

    /// <summary>A list prefix follows the key rules but may be empty (everything) or end with '/'.</summary>
    public static string ValidatePrefix(string prefix, string paramName = "prefix")
    {
        ArgumentNullException.ThrowIfNull(prefix, paramName);
        if (prefix.Length == 0)
        {
            return prefix;
        }
        ValidatePath(prefix.EndsWith('/') ? prefix[..^1] : prefix, paramName, "prefix");
        return prefix;
    }

    /// <summary>The content type registered for the key's extension, or <c>application/octet-stream</c>.</summary>
    public static string InferContentType(string key) =>
        ContentTypes.TryGetContentType(key, out var contentType) ? contentType : "application/octet-stream";

    private static void ValidatePath(string path, string paramName, string what)
    {
        if (path.Length > MaxLength)
        {
            throw new ArgumentException($"A blob {what} must be at most {MaxLength} characters; got {path.Length}.", paramName);
        }
        if (path.StartsWith('/'))
        {
            throw new ArgumentException($"Blob {what} '{Printable(path)}' must not start with '/'.", paramName);
        }
        foreach (var c in path)
        {
            if (c == '\\')
            {
                throw new ArgumentException($"Blob {what} '{Printable(path)}' must use '/' and not '\\'.", paramName);
            }
            if (char.IsControl(c))
            {
                throw new ArgumentException($"Blob {what} '{Printable(path)}' must not contain control characters.", paramName);
            }
        }
        if (path.Length == 0)
        {
            throw new ArgumentException($"Blob {what} '/' has no name.", paramName);
        }
        foreach (var segment in path.Split('/'))
        {
            ValidateSegment(segment, path, paramName, what);
        }
    }

    private static void ValidateSegment(string segment, string path, string paramName, string what)
    {
        if (segment.Length == 0)
        {
            throw new ArgumentException($"Blob {what} '{Printable(path)}' must not contain empty segments ('//').", paramName);
        }
        if (segment is "." or "..")
        {
            throw new ArgumentException($"Blob {what} '{Printable(path)}' must not contain '.' or '..' segments.", paramName);
        }
        // Azure silently drops trailing dots from names, and Windows from file names: the key would change.
        if (segment.EndsWith('.'))
        {
            throw new ArgumentException($"Blob {what} '{Printable(path)}' has a segment ending with '.'.", paramName);
        }
        if (segment.StartsWith(ReservedPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Blob {what} '{Printable(path)}' uses the reserved name prefix '{ReservedPrefix}'.", paramName);
        }
        if (Encoding.UTF8.GetByteCount(segment) > MaxSegmentBytes)
        {
            throw new ArgumentException($"Each segment of blob {what} '{Printable(path)}' must be at most {MaxSegmentBytes} UTF-8 bytes.", paramName);
        }
    }

    /// <summary>A name as it can be shown in a log or an error: control characters escaped, long names cut.</summary>
    public static string Printable(string value)
    {
        var shown = value.Length > 120 ? value[..120] + "..." : value;
        return string.Concat(shown.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
    }
}
