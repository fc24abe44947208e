using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Forge.Shared.Data;

namespace Forge.Functions.Documents;

public sealed record DocumentResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("domain_id")] Guid DomainId,
    [property: JsonPropertyName("use_case")] string? UseCase,
    [property: JsonPropertyName("filename")] string Filename,
    [property: JsonPropertyName("original_filename")] string OriginalFilename,
    [property: JsonPropertyName("s3_key")] string S3Key,
    [property: JsonPropertyName("content_type")] string ContentType,
    [property: JsonPropertyName("file_size")] long FileSize,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("metadata")] JsonObject Metadata,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTime UpdatedAt);

public static class DocumentMapping
{
    public static DocumentResponse ToResponse(this Document d) => new(
        d.Id, d.DomainId, d.UseCase, d.Filename, d.OriginalFilename, d.S3Key, d.ContentType, d.FileSize, d.Status, d.Metadata, d.CreatedAt, d.UpdatedAt);
}
