using Forge.Shared.Durable;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Forge.Functions.Hosting;
using Forge.Shared.Data;
using Forge.Shared.Engine;
using Forge.Shared.Storage;
using Forge.Shared.Text;
using Forge.Shared.Text.Extraction;
using Forge.Shared.Text.Segmentation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.Documents;

public sealed record ProcessDocumentRequest(
    [property: JsonPropertyName("segment_type")] string? SegmentType,
    [property: JsonPropertyName("segment_config")] JsonObject? SegmentConfig);

public sealed record ProcessDocumentResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("version_id")] Guid VersionId);

public sealed record ProcessDocumentInput(Guid DocumentId, Guid VersionId);

/// <summary>
/// The DocumentProcessing orchestration: <c>POST /documents/{id}/process</c> records a new version and
/// starts the run in the same transaction; one activity extracts the text, segments it and stores the
/// segments with the document's new status when it completes.
/// </summary>
public static class DocumentProcessing
{
    public const string RunType = "documents.processing";
    public const string ExtractAndSegment = "documents.extract-and-segment";

    public static async Task<Accepted<ProcessDocumentResponse>> ProcessDocument(Guid document_id, ProcessDocumentRequest request,
        ForgeDbContext db, DurableEngine engine, TimeProvider time, CancellationToken ct)
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
        if (document.Status is DocumentStatus.Processing or DocumentStatus.Processed)
        {
            throw new ValidationException("status", $"Document is already {document.Status}");
        }

        var version = await StartAsync(db, engine, document, request.SegmentType!, request.SegmentConfig ?? [], time, ct);
        await db.SaveChangesAsync(ct);
        return TypedResults.Accepted($"/api/v1/documents/{document.Id}", new ProcessDocumentResponse(DocumentStatus.Processing, version.Id));
    }

    /// <summary>Adds the version and the run to <paramref name="db"/>; the caller's save commits both.</summary>
    public static async Task<DocumentVersion> StartAsync(ForgeDbContext db, DurableEngine engine, Document document, string segmentType,
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
        engine.Start(RunType, $"document:{document.Id}", ExtractAndSegment, new ProcessDocumentInput(document.Id, version.Id));
        return version;
    }
}

/// <summary>Extracts, segments and stores; a document that cannot be read fails with the reason in <c>metadata.error</c>.</summary>
public sealed class ExtractAndSegmentActivity(ForgeDbContext db, IBlobStore blobs, ITextExtractor extractor, TimeProvider time) : IActivity
{
    public async Task ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var input = context.GetInput<ProcessDocumentInput>();
        var document = await db.Documents.FirstOrDefaultAsync(d => d.Id == input.DocumentId, cancellationToken)
            ?? throw new PermanentActivityException($"Document {input.DocumentId} no longer exists");
        var version = await db.DocumentVersions.FirstAsync(v => v.Id == input.VersionId, cancellationToken);
        var segmenter = Segmenters.Create(version.SegmentType);
        if (segmenter is null)
        {
            FailWith(context, document, version, $"Unknown segment type '{version.SegmentType}'");
            return;
        }
        var config = SegmentConfig.Parse(version.SegmentConfig).Config ?? SegmentConfig.Default;

        context.ReportProgress(0, 2, "extracting");
        ExtractedText text;
        try
        {
            await using var blob = await blobs.OpenReadAsync(document.S3Key, cancellationToken);
            text = await extractor.ExtractAsync(blob.Content, FormatOf(document), cancellationToken);
        }
        catch (TextExtractionException ex)
        {
            FailWith(context, document, version, ex.Message);
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var segments = segmenter.Segment(text, config);
        foreach (var segment in segments)
        {
            db.Segments.Add(new Segment
            {
                Id = Guid.CreateVersion7(),
                DomainId = document.DomainId,
                DocumentId = document.Id,
                DocumentVersionId = version.Id,
                UseCase = document.UseCase,
                SegmentType = version.SegmentType,
                Content = segment.Content,
                Position = segment.Position,
                Metadata = segment.Metadata,
                CreatedAt = now,
            });
        }
        version.Status = DocumentStatus.Processed;
        version.CompletedAt = now;
        document.Status = DocumentStatus.Processed;
        document.Metadata["pages"] = text.Pages.Count;
        document.Metadata["characters"] = text.Text.Length;
        document.Metadata["segment_count"] = segments.Count;
        document.Metadata["version_id"] = version.Id.ToString();
        document.UpdatedAt = now;
        context.ReportProgress(2, 2, "segmented");
    }

    private void FailWith(ActivityContext context, Document document, DocumentVersion version, string reason)
    {
        Fail(document, version, reason, time.GetUtcNow().UtcDateTime);
        context.FailRun(reason);
    }

    internal static void Fail(Document document, DocumentVersion? version, string reason, DateTime now)
    {
        document.Status = DocumentStatus.Failed;
        document.Metadata["error"] = reason;
        document.UpdatedAt = now;
        if (version is not null)
        {
            version.Status = DocumentStatus.Failed;
            version.Error = reason;
        }
    }

    /// <summary>The format detected at upload; rows older than that column have it in their content type.</summary>
    private static string FormatOf(Document document) => document.Format ?? document.ContentType switch
    {
        "application/pdf" => DocumentFormats.Pdf,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => DocumentFormats.Docx,
        _ => DocumentFormats.Txt,
    };
}

/// <summary>A run that failed for any other reason (retries exhausted, cancelled) still fails its document.</summary>
public sealed class DocumentProcessingObserver(TimeProvider time) : IRunObserver
{
    public string RunType => DocumentProcessing.RunType;

    public async Task OnRunEndedAsync(ForgeDbContext db, EngineRun run, CancellationToken cancellationToken)
    {
        if (run.Status == RunStatus.Completed || run.Subject is null || !Guid.TryParse(run.Subject["document:".Length..], out var documentId))
        {
            return;
        }
        var document = await db.Documents.FirstOrDefaultAsync(d => d.Id == documentId, cancellationToken);
        if (document is null || document.Status != DocumentStatus.Processing)
        {
            return;
        }
        var version = await db.DocumentVersions.Where(v => v.DocumentId == documentId).OrderByDescending(v => v.Number).FirstOrDefaultAsync(cancellationToken);
        ExtractAndSegmentActivity.Fail(document, version, ReasonFor(run), time.GetUtcNow().UtcDateTime);
    }

    /// <summary>
    /// The run's own error is for operators (it may quote a .NET exception); the document gets a reason a user
    /// can act on. Reasons the activity itself gave were already written by it.
    /// </summary>
    private static string ReasonFor(EngineRun run) => run.Status == RunStatus.Cancelled
        ? "Processing was cancelled"
        : run.Error?.Contains(WorkItemRunner.WorkerStopped, StringComparison.Ordinal) == true
            ? "Processing stopped: the worker processing this document died while reading it, more than once, so it will not be retried (the file may be malformed or crafted)"
            : "Processing failed on an unexpected error after repeated attempts; try processing the document again later";
}
