using Forge.Shared.Data;
using Forge.Shared.Storage;
using Microsoft.DurableTask;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.Documents;

/// <summary>The version and its document become <c>processed</c> with the figures of the run; a second delivery finds it done.</summary>
public sealed class RecordProcessedActivity(ForgeDbContext db, IBlobStore blobs, TimeProvider time) : TaskActivity<ProcessedInput, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, ProcessedInput input)
    {
        var (document, version) = await DocumentOutcomes.LoadAsync(db, input.DocumentId, input.VersionId);
        if (version.Status == DocumentStatus.Processing)
        {
            var now = time.GetUtcNow().UtcDateTime;
            version.Status = DocumentStatus.Processed;
            version.CompletedAt = now;
            document.Status = DocumentStatus.Processed;
            document.Metadata["pages"] = input.Pages;
            document.Metadata["characters"] = input.Characters;
            document.Metadata["segment_count"] = input.Segments;
            document.Metadata["version_id"] = version.Id.ToString();
            document.UpdatedAt = now;
            await db.SaveChangesAsync();
        }
        await ProcessingArtifacts.DeleteAsync(blobs, document.Id, version.Id, CancellationToken.None);
        return true;
    }
}

/// <summary>The version and its document become <c>failed</c> with the reason in <c>metadata.error</c>.</summary>
public sealed class RecordFailedActivity(ForgeDbContext db, IBlobStore blobs, TimeProvider time) : TaskActivity<FailedInput, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, FailedInput input)
    {
        var (document, version) = await DocumentOutcomes.LoadAsync(db, input.DocumentId, input.VersionId);
        if (DocumentOutcomes.Fail(document, version, input.Reason, time.GetUtcNow().UtcDateTime))
        {
            await db.SaveChangesAsync();
        }
        await ProcessingArtifacts.DeleteAsync(blobs, document.Id, version.Id, CancellationToken.None);
        return true;
    }
}

public static class DocumentOutcomes
{
    public static async Task<(Document Document, DocumentVersion Version)> LoadAsync(ForgeDbContext db, Guid documentId, Guid versionId)
    {
        var document = await db.Documents.FirstOrDefaultAsync(d => d.Id == documentId)
            ?? throw new Shared.Durable.PermanentActivityException($"Document {documentId} no longer exists");
        var version = await db.DocumentVersions.FirstOrDefaultAsync(v => v.Id == versionId)
            ?? throw new Shared.Durable.PermanentActivityException($"Version {versionId} of document {documentId} no longer exists");
        return (document, version);
    }

    /// <summary>Fails a version still processing (and its document); false when its outcome was already recorded.</summary>
    public static bool Fail(Document document, DocumentVersion version, string reason, DateTime now)
    {
        if (version.Status != DocumentStatus.Processing)
        {
            return false;
        }
        version.Status = DocumentStatus.Failed;
        version.Error = reason;
        document.Status = DocumentStatus.Failed;
        document.Metadata["error"] = reason;
        document.UpdatedAt = now;
        return true;
    }
}
