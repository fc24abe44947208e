using Forge.Shared.Data;
using Forge.Shared.Durable;
using Forge.Shared.Storage;
using Forge.Shared.Text.Extraction;
using Microsoft.DurableTask;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.Documents;

/// <summary>Reads the document's blob into text (kept as an artifact); a file that cannot be read gives its reason.</summary>
public sealed class ExtractTextActivity(ForgeDbContext db, IBlobStore blobs, ITextExtractor extractor, ActivityRetry retry)
    : TaskActivity<ProcessDocumentInput, StepOutcome>
{
    public override async Task<StepOutcome> RunAsync(TaskActivityContext context, ProcessDocumentInput input)
    {
        var document = await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Id == input.DocumentId)
            ?? throw new PermanentActivityException($"Document {input.DocumentId} no longer exists");
        return await ProcessingAttempts.GuardAsync(db, input.VersionId, retry.MaxAttempts, async () =>
        {
            Shared.Text.ExtractedText text;
            try
            {
                await using var blob = await blobs.OpenReadAsync(document.S3Key);
                text = await extractor.ExtractAsync(blob.Content, FormatOf(document), CancellationToken.None);
            }
            catch (TextExtractionException ex)
            {
                return StepOutcome.Failed(ex.Message);
            }
            await ProcessingArtifacts.WriteAsync(blobs, ProcessingArtifacts.TextKey(document.Id, input.VersionId), text, CancellationToken.None);
            return new StepOutcome(Pages: text.Pages.Count, Characters: text.Text.Length);
        }, CancellationToken.None);
    }

    /// <summary>The format detected at upload; rows older than that column have it in their content type.</summary>
    private static string FormatOf(Document document) => document.Format ?? document.ContentType switch
    {
        "application/pdf" => DocumentFormats.Pdf,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => DocumentFormats.Docx,
        _ => DocumentFormats.Txt,
    };
}
