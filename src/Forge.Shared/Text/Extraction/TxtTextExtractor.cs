namespace Forge.Shared.Text.Extraction;

/// <summary>Plain text in any of the encodings <see cref="TextDecoding"/> recognizes; one page, newlines as \n.</summary>
internal static class TxtTextExtractor
{
    public static async Task<ExtractedText> ExtractAsync(Stream content, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);

        var detected = TextDecoding.Detect(bytes, isWhole: true)
            ?? throw new TextExtractionException("The text file holds binary content, not readable text");
        string text;
        try
        {
            text = detected.Encoding.GetString(bytes[detected.BomLength..]);
        }
        catch (System.Text.DecoderFallbackException ex)
        {
            throw new TextExtractionException("The text file is not valid in its declared encoding (byte order mark)", ex);
        }
        return ExtractedText.SinglePage(NormalizeNewlines(text), DocumentFormats.Txt);
    }

    public static string NormalizeNewlines(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n');
}
