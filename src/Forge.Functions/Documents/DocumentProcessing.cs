using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Forge.Functions.Hosting;
using Forge.Shared.Data;
using Forge.Shared.Durable;
using Forge.Shared.Text.Segmentation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.Documents;

public sealed record ProcessDocumentRequest(
    [property: JsonPropertyName("segment_type")] string? SegmentType,
    [property: JsonPropertyName("segment_config")] JsonObject? SegmentConfig);

public sealed record ProcessDocumentResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("version_id")] Guid VersionId);

/// <summary>The orchestration's input: which version of which document to process.</summary>
public sealed record ProcessDocumentInput(Guid DocumentId, Guid VersionId);

/// <summary>
/// <c>POST /documents/{id}/process</c>: records a new version (the document <c>processing</c>), commits, then
/// starts <see cref="DocumentProcessingOrchestrator"/> as <c>documents-{document_id}-v{n}</c>. A document that is
/// processing or processed is refused, so a double submit starts one run; a failed one gets a new version's run.
/// </summary>
public static class DocumentProcessing
{
    public const string Orchestrator = "documents.processing";
    public const string ExtractText = "documents.extract-text";
    public const string SegmentText = "documents.segment-text";
    public const string StoreSegments = "documents.store-segments";
    public const string RecordProcessed = "documents.record-processed";
    public const string RecordFailed = "documents.record-failed";

    public static string InstanceId(Guid documentId, int versionNumber) => $"documents-{documentId}-v{versionNumber}";

    public static async Task<Accepted<ProcessDocumentResponse>> ProcessDocument(Guid document_id, ProcessDocumentRequest request,
        ForgeDbContext db, DurableTaskClient client, TimeProvider time, CancellationToken ct)
    {
        var document = await db.Documents.FirstOrDefaultAsync(d => d.Id == document_id, ct)
            ?? throw new NotFoundException("Document", document_id);
        var rules = new FieldRules()
            .Check(!string.IsNullOrWhiteSpace(request.SegmentType), "segment_type", "Field required")
            .Check(string.IsNullOrWhiteSpace(request.SegmentType) || Segmenters.Create(request.SegmentType) is not null,
                "segment_type", $"Invalid segment type '{request.SegmentType}'; known: {string.Join(", ", Segmenters.Known)}");
        var config = SegmentConfig.Parse(request.SegmentConfig);
        foreach (var (field, message) in config.Errors)
        {
            rules.Add(field, message);
        }
        rules.ThrowIfAny();
        ThrowIfStarted(document.Status);

        var version = await AddVersionAsync(db, document, request.SegmentType!, request.SegmentConfig ?? [], time, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // A concurrent request took this version number: it started the run, this one is the double submit.
            throw new ValidationException("status", $"Document is already {DocumentStatus.Processing}");
        }
        await StartAsync(client, document.Id, version);
        return TypedResults.Accepted($"/api/v1/documents/{document.Id}", new ProcessDocumentResponse(DocumentStatus.Processing, version.Id));
    }

    private static void ThrowIfStarted(string status)
    {
        if (status is DocumentStatus.Processing or DocumentStatus.Processed)
        {
            throw new ValidationException("status", $"Document is already {status}");
        }
    }

    /// <summary>
    /// Adds the next version to <paramref name="db"/> and marks the document processing; the caller commits, then
    /// calls <see cref="StartAsync"/> (a start lost in between is made by <see cref="DocumentProcessingReconciler"/>).
    /// </summary>
    public static async Task<DocumentVersion> AddVersionAsync(ForgeDbContext db, Document document, string segmentType,
        JsonObject segmentConfig, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var number = await db.DocumentVersions.Where(v => v.DocumentId == document.Id).Select(v => (int?)v.Number).MaxAsync(ct) ?? 0;
        var version = new DocumentVersion
        {
            Id = Guid.CreateVersion7(),
            DocumentId = document.Id,
            Number = number + 1,
            SegmentType = segmentType,
            SegmentConfig = segmentConfig,
            Status = DocumentStatus.Processing,
            CreatedAt = now,
        };
        db.DocumentVersions.Add(version);
        document.Status = DocumentStatus.Processing;
        // JSON columns are compared by content, so changing the object in place is saved.
        document.Metadata.Remove("error");
        document.UpdatedAt = now;
        return version;
    }

    /// <summary>
    /// Schedules the committed version's run under its deterministic id; a second call for it starts nothing. Not
    /// cancelled with the request: once the version is committed, its run should start even if the client left.
    /// </summary>
    public static Task<bool> StartAsync(DurableTaskClient client, Guid documentId, DocumentVersion version) =>
        client.StartOnceAsync(Orchestrator, InstanceId(documentId, version.Number), new ProcessDocumentInput(documentId, version.Id), CancellationToken.None);
}
