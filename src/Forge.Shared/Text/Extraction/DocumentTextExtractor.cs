namespace Forge.Shared.Text.Extraction;

/// <summary>
/// Dispatches by format: TXT and DOCX in-process, PDF through poppler's <c>pdftotext</c>. At most
/// <see cref="ExtractionOptions.MaxConcurrentExtractions"/> run at once in the process, so a burst of large
/// uploads queues instead of multiplying peak memory.
/// </summary>
public sealed class DocumentTextExtractor(IProcessRunner processRunner, ExtractionOptions? options = null) : ITextExtractor
{
    private readonly PdfTextExtractor _pdf = new(processRunner);
    private readonly ExtractionOptions _options = options ?? new ExtractionOptions();
    private readonly SemaphoreSlim _slots = new(Slots(options), Slots(options));

    private static int Slots(ExtractionOptions? options) => (options ?? new ExtractionOptions()).MaxConcurrentExtractions;

    public async Task<ExtractedText> ExtractAsync(Stream content, string format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        await _slots.WaitAsync(cancellationToken);
        try
        {
            return format switch
            {
                DocumentFormats.Txt => await TxtTextExtractor.ExtractAsync(content, cancellationToken),
                DocumentFormats.Docx => await DocxTextExtractor.ExtractAsync(content, _options, cancellationToken),
                DocumentFormats.Pdf => await _pdf.ExtractAsync(content, cancellationToken),
                _ => throw new TextExtractionException($"Documents of format '{format}' cannot be processed; only pdf, docx and txt can"),
            };
        }
        finally
        {
            _slots.Release();
        }
    }
}
