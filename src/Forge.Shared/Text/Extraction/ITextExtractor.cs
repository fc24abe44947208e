namespace Forge.Shared.Text.Extraction;

/// <summary>Extracts the plain text of a document already detected as <c>pdf</c>, <c>docx</c> or <c>txt</c>.</summary>
public interface ITextExtractor
{
    /// <exception cref="TextExtractionException">The document cannot be read; the message says why.</exception>
    Task<ExtractedText> ExtractAsync(Stream content, string format, CancellationToken cancellationToken);
}
