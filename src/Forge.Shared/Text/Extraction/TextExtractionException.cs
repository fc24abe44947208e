namespace Forge.Shared.Text.Extraction;

/// <summary>
/// A document whose text cannot be extracted (corrupt, encrypted, image-only, too large...). The message is
/// a user-facing reason, fit for the document's <c>metadata.error</c>.
/// </summary>
public sealed class TextExtractionException(string message, Exception? innerException = null)
    : Exception(message, innerException);
