using Forge.Shared.Data;
using Forge.Shared.Storage;
using Forge.Shared.Text.Extraction;

namespace Forge.Functions.Documents;

/// <summary>
/// Stores an accepted file as a document: the sanitized name, the blob at
/// <c>documents/{domain_id}/{document_id}/{filename}</c>, and the row (not yet added to a context).
/// Shared by the upload endpoint and blob ingestion.
/// </summary>
public static class DocumentStorage
{
    public static async Task<Document> StoreAsync(IBlobStore blobs, Guid documentId, Guid domainId, string? useCase,
        string originalFileName, string format, Stream content, DateTime now, CancellationToken ct)
    {
        var filename = SafeFileName.From(originalFileName, format);
        var key = $"documents/{domainId}/{documentId}/{filename}";
        var contentType = ContentTypeOf(format);
        var stored = await blobs.PutAsync(key, content, contentType, ct);
        return new Document
        {
            Id = documentId,
            DomainId = domainId,
            UseCase = useCase,
            Filename = filename,
            OriginalFilename = Path.GetFileName(originalFileName.Replace('\\', '/')),
            S3Key = key,
            ContentType = contentType,
            Format = format,
            FileSize = stored.Size,
            Status = DocumentStatus.Uploaded,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    private static string ContentTypeOf(string format) => format switch
    {
        DocumentFormats.Pdf => "application/pdf",
        DocumentFormats.Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "text/plain",
    };
}
