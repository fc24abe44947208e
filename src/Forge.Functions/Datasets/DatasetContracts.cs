using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Forge.Shared.Data;

namespace Forge.Functions.Datasets;

public sealed record CreateDatasetRequest(
    [property: JsonPropertyName("domain_id")] Guid? DomainId,
    [property: JsonPropertyName("template_id")] Guid? TemplateId,
    [property: JsonPropertyName("use_case")] string? UseCase,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("provider")] string? Provider,
    [property: JsonPropertyName("target_model_family")] string? TargetModelFamily,
    [property: JsonPropertyName("generation_config")] JsonObject? GenerationConfig,
    [property: JsonPropertyName("segment_filter")] JsonObject? SegmentFilter,
    [property: JsonPropertyName("auto_export")] JsonNode? AutoExport);

/// <summary>A partial update: absent fields are kept. <c>status</c> archives a dataset or brings it back.</summary>
public sealed record UpdateDatasetRequest(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("generation_config")] JsonObject? GenerationConfig,
    [property: JsonPropertyName("segment_filter")] JsonObject? SegmentFilter,
    [property: JsonPropertyName("auto_export")] JsonNode? AutoExport);

public sealed record GenerateRequest(
    [property: JsonPropertyName("dataset_id")] Guid? DatasetId,
    [property: JsonPropertyName("segment_ids")] List<Guid>? SegmentIds,
    [property: JsonPropertyName("max_items")] int? MaxItems,
    [property: JsonPropertyName("batch_size")] int? BatchSize);

public sealed record GenerateResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("items_created")] int ItemsCreated);

public sealed record DatasetResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("domain_id")] Guid DomainId,
    [property: JsonPropertyName("template_id")] Guid? TemplateId,
    [property: JsonPropertyName("use_case")] string? UseCase,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("target_model_family")] string? TargetModelFamily,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("generation_config")] JsonObject GenerationConfig,
    [property: JsonPropertyName("segment_filter")] JsonObject SegmentFilter,
    [property: JsonPropertyName("total_items")] int TotalItems,
    [property: JsonPropertyName("approved_items")] int ApprovedItems,
    [property: JsonPropertyName("rejected_items")] int RejectedItems,
    [property: JsonPropertyName("pending_items")] int PendingItems,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTime UpdatedAt,
    [property: JsonPropertyName("auto_export")] JsonObject? AutoExport,
    [property: JsonPropertyName("generation_error")] string? GenerationError,
    [property: JsonPropertyName("generation")] GenerationProgressResponse? Generation,
    [property: JsonPropertyName("usage")] UsageResponse Usage);

/// <summary>The latest generation: how far it got, what made the items and what it had to skip.</summary>
public sealed record GenerationProgressResponse(
    [property: JsonPropertyName("run_id")] Guid RunId,
    [property: JsonPropertyName("generator")] string? Generator,
    [property: JsonPropertyName("generator_note")] string? GeneratorNote,
    [property: JsonPropertyName("planned_items")] int PlannedItems,
    [property: JsonPropertyName("items_created")] int ItemsCreated,
    [property: JsonPropertyName("items_skipped")] int ItemsSkipped,
    [property: JsonPropertyName("skipped_reasons")] Dictionary<string, int> SkippedReasons,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("started_at")] DateTime? StartedAt,
    [property: JsonPropertyName("completed_at")] DateTime? CompletedAt);

public sealed record UsageResponse(
    [property: JsonPropertyName("prompt_tokens")] long PromptTokens,
    [property: JsonPropertyName("completion_tokens")] long CompletionTokens,
    [property: JsonPropertyName("total_tokens")] long TotalTokens);

/// <summary>What the response needs beyond the dataset row, counted from its items and skips.</summary>
public sealed record DatasetFigures(
    int Total, int Approved, int Rejected, int Pending,
    int GenerationCreated, Dictionary<string, int> GenerationSkips, long PromptTokens, long CompletionTokens)
{
    public static DatasetFigures None { get; } = new(0, 0, 0, 0, 0, [], 0, 0);
}

public static class DatasetMapping
{
    public static DatasetResponse ToResponse(this Dataset d, DatasetFigures f) => new(
        d.Id, d.DomainId, d.TemplateId, d.UseCase, d.Name, d.Description, d.Provider, d.TargetModelFamily, d.Status, d.Version,
        d.GenerationConfig, d.SegmentFilter, f.Total, f.Approved, f.Rejected, f.Pending, d.CreatedAt, d.UpdatedAt,
        d.AutoExport, d.GenerationError,
        d.GenerationRunId is { } runId
            ? new GenerationProgressResponse(runId, d.Generator, d.GeneratorNote, d.GenerationPlanned, f.GenerationCreated,
                f.GenerationSkips.Values.Sum(), f.GenerationSkips, d.GenerationError, d.GenerationStartedAt, d.GenerationCompletedAt)
            : null,
        new UsageResponse(f.PromptTokens, f.CompletionTokens, f.PromptTokens + f.CompletionTokens));
}
