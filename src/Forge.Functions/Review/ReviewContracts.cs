using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Forge.Shared.Data;

namespace Forge.Functions.Review;

public sealed record ReviewDecisionRequest(
    [property: JsonPropertyName("reviewer_id")] string? ReviewerId,
    [property: JsonPropertyName("justification")] string? Justification);

public sealed record EditItemRequest(
    [property: JsonPropertyName("reviewer_id")] string? ReviewerId,
    [property: JsonPropertyName("instruction")] string? Instruction,
    [property: JsonPropertyName("input_text")] string? InputText,
    [property: JsonPropertyName("ideal_response")] string? IdealResponse,
    [property: JsonPropertyName("bad_response")] string? BadResponse,
    [property: JsonPropertyName("explanation")] string? Explanation,
    [property: JsonPropertyName("justification")] string? Justification);

public sealed record ReviewResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("dataset_item_id")] Guid DatasetItemId,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("reviewer_id")] string? ReviewerId,
    [property: JsonPropertyName("justification")] string? Justification,
    [property: JsonPropertyName("previous_values")] JsonObject? PreviousValues,
    [property: JsonPropertyName("new_values")] JsonObject? NewValues,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("reviewer_label")] string? ReviewerLabel,
    [property: JsonPropertyName("auth_method")] string? AuthMethod);

/// <summary>An item as the reviewer sees it: the seed's fields, then its review status and provenance.</summary>
public sealed record ReviewItemResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("dataset_id")] Guid DatasetId,
    [property: JsonPropertyName("dataset_name")] string DatasetName,
    [property: JsonPropertyName("instruction")] string Instruction,
    [property: JsonPropertyName("input_text")] string InputText,
    [property: JsonPropertyName("ideal_response")] string IdealResponse,
    [property: JsonPropertyName("bad_response")] string? BadResponse,
    [property: JsonPropertyName("explanation")] string? Explanation,
    [property: JsonPropertyName("quality_score")] double QualityScore,
    [property: JsonPropertyName("quality_flags")] JsonObject QualityFlags,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("review_status")] string ReviewStatus,
    [property: JsonPropertyName("segment_id")] Guid SegmentId,
    [property: JsonPropertyName("document_id")] Guid DocumentId,
    [property: JsonPropertyName("template_id")] Guid? TemplateId,
    [property: JsonPropertyName("variant")] int Variant,
    [property: JsonPropertyName("generator")] string Generator,
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("updated_at")] DateTime UpdatedAt);

public static class ReviewMapping
{
    public static ReviewResponse ToResponse(this ItemReview r) => new(
        r.Id, r.DatasetItemId, r.Action, r.ReviewerId, r.Justification, r.PreviousValues, r.NewValues, r.CreatedAt, r.ReviewerLabel, r.AuthMethod);

    public static ReviewItemResponse ToReviewResponse(this DatasetItem i, string datasetName) => new(
        i.Id, i.DatasetId, datasetName, i.Instruction, i.InputText, i.IdealResponse, i.BadResponse, i.Explanation, i.QualityScore,
        i.QualityFlags, i.CreatedAt, i.ReviewStatus, i.SegmentId, i.DocumentId, i.TemplateId, i.Variant, i.Generator, i.Model, i.UpdatedAt);
}
