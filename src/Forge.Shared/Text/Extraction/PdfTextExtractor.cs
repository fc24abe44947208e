namespace Forge.Shared.Text.Extraction;

/// <summary>
/// PDFs through poppler's <c>pdftotext</c> over the whole document: pages come separated by form feeds, and
/// are joined in <see cref="ExtractedText.Text"/> by a blank line, each page's span kept.
/// </summary>
internal sealed class PdfTextExtractor(IProcessRunner processRunner)
{
    public const string Program = "pdftotext";
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public async Task<ExtractedText> ExtractAsync(Stream content, CancellationToken cancellationToken)
    {
        await using var file = await TemporaryFile.CopyOfAsync(content, ".pdf", cancellationToken);

        ProcessResult result;
        try
        {
            result = await processRunner.RunAsync(Program, ["-enc", "UTF-8", "-eol", "unix", file.Path, "-"], Timeout, cancellationToken);
        }
        catch (ProgramNotFoundException ex)
        {
            // A machine set-up problem, not a property of the document: it must not fail documents one by one quietly.
            throw new InvalidOperationException($"'{Program}' (poppler-utils) is not installed; run scripts/setup.sh or install poppler-utils.", ex);
        }
        catch (TimeoutException ex)
        {
            throw new TextExtractionException("The PDF took too long to read", ex);
        }
        catch (ProcessOutputTooLargeException ex)
        {
            throw new TextExtractionException("The PDF holds more text than can be processed", ex);
        }

        if (result.ExitCode != 0)
        {
            throw new TextExtractionException(DescribeFailure(result));
        }
        return Paginate(result.StandardOutput);
    }

    /// <summary>pdftotext's exit codes: 1 cannot open the document, 3 permission denied (copying not allowed).</summary>
    private static string DescribeFailure(ProcessResult result)
    {
        var error = result.StandardError;
        if (error.Contains("Incorrect password", StringComparison.OrdinalIgnoreCase) || error.Contains("encrypt", StringComparison.OrdinalIgnoreCase))
        {
            return "The PDF is encrypted";
        }
        if (result.ExitCode == 3)
        {
            return "The PDF does not allow its text to be copied";
        }
        return "The PDF is corrupt or unreadable";
    }

    internal static ExtractedText Paginate(string output)
    {
        var pages = TxtTextExtractor.NormalizeNewlines(output).Split('\f');
        // pdftotext ends every page, the last one included, with a form feed.
        var count = pages.Length > 1 && pages[^1].Trim().Length == 0 ? pages.Length - 1 : pages.Length;
        var text = new System.Text.StringBuilder();
        var spans = new List<PageSpan>(count);
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                text.Append("\n\n");
            }
            var page = pages[i].Trim('\n').TrimEnd();
            spans.Add(new PageSpan(i + 1, text.Length, page.Length));
            text.Append(page);
        }
        if (spans.All(s => s.Length == 0) || string.IsNullOrWhiteSpace(text.ToString()))
        {
            throw new TextExtractionException("The PDF has no text layer (scanned images?)");
        }
        return new ExtractedText(text.ToString(), spans, DocumentFormats.Pdf);
    }
}
