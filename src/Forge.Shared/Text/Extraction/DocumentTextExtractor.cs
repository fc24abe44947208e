namespace Forge.Shared.Text.Extraction;

/// <summary>Dispatches by format: TXT and DOCX in-process, PDF through poppler's <c>pdftotext</c>.</summary>
public sealed class DocumentTextExtractor(IProcessRunner processRunner) : ITextExtractor
{
    private readonly PdfTextExtractor _pdf = new(processRunner);

    public async Task<ExtractedText> ExtractAsync(Stream content, string format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        return format switch
        {
            DocumentFormats.Txt => await TxtTextExtractor.ExtractAsync(content, cancellationToken),
            DocumentFormats.Docx => await DocxTextExtractor.ExtractAsync(content, cancellationToken),
            DocumentFormats.Pdf => await _pdf.ExtractAsync(content, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Only pdf, docx and txt can be extracted."),
        };
    }
}
