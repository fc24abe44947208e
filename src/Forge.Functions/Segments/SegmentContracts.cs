using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Forge.Shared.Data;

namespace Forge.Functions.Segments;

public sealed record SegmentResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("domain_id")] Guid DomainId,
    [property: JsonPropertyName("document_id")] Guid DocumentId,
    [property: JsonPropertyName("document_version_id")] Guid DocumentVersionId,
    [property: JsonPropertyName("use_case")] string? UseCase,
    [property: JsonPropertyName("segment_type")] string SegmentType,
    [property: JsonPropertyName("content")] string Content,
    [property: JsonPropertyName("position")] int Position,
    [property: JsonPropertyName("metadata")] JsonObject Metadata,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt);

public static class SegmentMapping
{
    public static SegmentResponse ToResponse(this Segment s) => new(
        s.Id, s.DomainId, s.DocumentId, s.DocumentVersionId, s.UseCase, s.SegmentType, s.Content, s.Position, s.Metadata, s.CreatedAt);
}
