using System.IO.Compression;

namespace Forge.Shared.Text.Extraction;

/// <summary>The outcome of <see cref="DocumentFormats.Detect"/>: a format, or why the file is refused (for a 422).</summary>
public sealed record FormatDetection(string? Format, string? Reason)
{
    public bool IsSupported => Format is not null;

    public static FormatDetection Supported(string format) => new(format, null);

    public static FormatDetection Refused(string reason) => new(null, reason);
}

/// <summary>
/// The accepted upload formats. A file is accepted only when its extension and its content agree, so a
/// renamed executable or archive never reaches an extractor.
/// </summary>
public static class DocumentFormats
{
    public const string Pdf = "pdf";
    public const string Docx = "docx";
    public const string Txt = "txt";

    /// <summary>How much of the head is inspected for text.</summary>
    public const int TextSampleBytes = 64 * 1024;

    private static ReadOnlySpan<byte> PdfMagic => "%PDF-"u8;
    private static ReadOnlySpan<byte> ZipMagic => [0x50, 0x4B, 0x03, 0x04];

    /// <summary>
    /// Detects the format of <paramref name="content"/> (seekable; its position is restored) named
    /// <paramref name="fileName"/>. DOCX is checked through the zip's central directory.
    /// </summary>
    public static FormatDetection Detect(string fileName, Stream content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanSeek)
        {
            throw new ArgumentException("The content must be seekable to check its structure.", nameof(content));
        }
        var start = content.Position;
        try
        {
            var head = new byte[TextSampleBytes];
            var read = content.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            content.Position = start;
            var byExtension = ByExtension(fileName, out var refusal);
            if (byExtension is null)
            {
                return FormatDetection.Refused(refusal!);
            }
            return byExtension == Docx ? DetectDocx(head.AsSpan(0, read), content) : DetectByHead(byExtension, head.AsSpan(0, read), isWhole: read < head.Length);
        }
        finally
        {
            content.Position = start;
        }
    }

    /// <summary>
    /// Detects the format from the first bytes only (up to <see cref="TextSampleBytes"/>). A DOCX head is
    /// checked for the zip signature and the local entry names it holds; prefer the stream overload, which reads the central directory.
    /// </summary>
    public static FormatDetection Detect(string fileName, ReadOnlySpan<byte> head)
    {
        var byExtension = ByExtension(fileName, out var refusal);
        if (byExtension is null)
        {
            return FormatDetection.Refused(refusal!);
        }
        if (byExtension == Docx)
        {
            if (!head.StartsWith(ZipMagic))
            {
                return FormatDetection.Refused("The file is named .docx but its content is not a Word document (not a zip archive)");
            }
            return head.IndexOf("[Content_Types].xml"u8) >= 0 && head.IndexOf("word/"u8) >= 0
                ? FormatDetection.Supported(Docx)
                : FormatDetection.Refused("The file is named .docx but the archive is not a Word document");
        }
        return DetectByHead(byExtension, head.Length > TextSampleBytes ? head[..TextSampleBytes] : head, isWhole: head.Length < TextSampleBytes);
    }

    private static string? ByExtension(string fileName, out string? refusal)
    {
        var extension = Path.GetExtension(fileName ?? "").TrimStart('.').ToLowerInvariant();
        refusal = null;
        switch (extension)
        {
            case Pdf or Docx or Txt:
                return extension;
            case "":
                refusal = "The file has no extension; only .pdf, .docx and .txt files are accepted";
                return null;
            default:
                refusal = $"Files of type .{extension} are not accepted; only .pdf, .docx and .txt files are";
                return null;
        }
    }

    private static FormatDetection DetectByHead(string format, ReadOnlySpan<byte> head, bool isWhole)
    {
        if (format == Pdf)
        {
            // The header may follow a little junk; readers accept it within the first 1024 bytes.
            var window = head.Length > 1024 ? head[..1024] : head;
            return window.IndexOf(PdfMagic) >= 0
                ? FormatDetection.Supported(Pdf)
                : FormatDetection.Refused("The file is named .pdf but its content is not a PDF (no %PDF- header)");
        }
        if (head.StartsWith(PdfMagic))
        {
            return FormatDetection.Refused("The file is named .txt but its content is a PDF");
        }
        if (head.StartsWith(ZipMagic))
        {
            return FormatDetection.Refused("The file is named .txt but its content is a zip archive");
        }
        return TextDecoding.Detect(head, isWhole) is null
            ? FormatDetection.Refused("The file is named .txt but its content is binary, not readable text")
            : FormatDetection.Supported(Txt);
    }

    private static FormatDetection DetectDocx(ReadOnlySpan<byte> head, Stream content)
    {
        if (!head.StartsWith(ZipMagic))
        {
            return FormatDetection.Refused("The file is named .docx but its content is not a Word document (not a zip archive)");
        }
        try
        {
            using var zip = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
            var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.OrdinalIgnoreCase);
            return names.Contains("[Content_Types].xml") && names.Contains("word/document.xml")
                ? FormatDetection.Supported(Docx)
                : FormatDetection.Refused("The file is named .docx but the archive is not a Word document (no word/document.xml)");
        }
        catch (InvalidDataException)
        {
            return FormatDetection.Refused("The file is named .docx but the archive is corrupt");
        }
    }
}
