using System.Text.Json.Serialization;
using Forge.Shared.Data;

namespace Forge.Functions.TrainingPairs;

/// <summary>Seed 000's TrainingPairOut, plus <c>status</c> (the review status the queue filters on).</summary>
public sealed record TrainingPairResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("pair_id")] string PairId,
    [property: JsonPropertyName("topic")] string? Topic,
    [property: JsonPropertyName("category")] string? Category,
    [property: JsonPropertyName("duration_seconds")] int? DurationSeconds,
    [property: JsonPropertyName("score")] int? Score,
    [property: JsonPropertyName("user_prompt")] string? UserPrompt,
    [property: JsonPropertyName("system_prompt")] string? SystemPrompt,
    [property: JsonPropertyName("target_audience")] string? TargetAudience,
    [property: JsonPropertyName("content_style")] string? ContentStyle,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("created_by")] string CreatedBy,
    [property: JsonPropertyName("updated_at")] DateTime UpdatedAt,
    [property: JsonPropertyName("updated_by")] string UpdatedBy,
    [property: JsonPropertyName("hashtags")] List<HashtagResponse> Hashtags,
    [property: JsonPropertyName("hook_variants")] List<HookVariantResponse> HookVariants,
    [property: JsonPropertyName("scenes")] List<SceneResponse> Scenes);

public sealed record HashtagResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("created_by")] string CreatedBy,
    [property: JsonPropertyName("updated_at")] DateTime UpdatedAt,
    [property: JsonPropertyName("updated_by")] string UpdatedBy);

public sealed record HookVariantResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("hook_variant")] int? HookVariant,
    [property: JsonPropertyName("scene_number")] int? SceneNumber,
    [property: JsonPropertyName("scene_type")] string? SceneType,
    [property: JsonPropertyName("timestamp")] string? Timestamp,
    [property: JsonPropertyName("text_overlay")] string? TextOverlay,
    [property: JsonPropertyName("voiceover")] string? Voiceover,
    [property: JsonPropertyName("visual")] string? Visual,
    [property: JsonPropertyName("tip")] string? Tip,
    [property: JsonPropertyName("order_index")] int? OrderIndex,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("created_by")] string CreatedBy,
    [property: JsonPropertyName("updated_at")] DateTime UpdatedAt,
    [property: JsonPropertyName("updated_by")] string UpdatedBy);

public sealed record SceneResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("scene_number")] int? SceneNumber,
    [property: JsonPropertyName("scene_type")] string? SceneType,
    [property: JsonPropertyName("timestamp")] string? Timestamp,
    [property: JsonPropertyName("text_overlay")] string? TextOverlay,
    [property: JsonPropertyName("voiceover")] string? Voiceover,
    [property: JsonPropertyName("visual")] string? Visual,
    [property: JsonPropertyName("tip")] string? Tip,
    [property: JsonPropertyName("order_index")] int? OrderIndex,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("created_by")] string CreatedBy,
    [property: JsonPropertyName("updated_at")] DateTime UpdatedAt,
    [property: JsonPropertyName("updated_by")] string UpdatedBy);

/// <summary>The queue's envelope, exactly as seed 000 shows it (its <c>paging</c> is camelCase).</summary>
public sealed record QueueResponse(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("data")] List<TrainingPairResponse> Data,
    [property: JsonPropertyName("paging")] PagingResponse Paging);

public sealed record PagingResponse(
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("totalItems")] int TotalItems,
    [property: JsonPropertyName("totalPages")] int TotalPages);

public sealed record CreateTrainingPairRequest(
    [property: JsonPropertyName("pair_id")] string? PairId,
    [property: JsonPropertyName("topic")] string? Topic,
    [property: JsonPropertyName("category")] string? Category,
    [property: JsonPropertyName("duration_seconds")] int? DurationSeconds,
    [property: JsonPropertyName("score")] int? Score,
    [property: JsonPropertyName("user_prompt")] string? UserPrompt,
    [property: JsonPropertyName("system_prompt")] string? SystemPrompt,
    [property: JsonPropertyName("target_audience")] string? TargetAudience,
    [property: JsonPropertyName("content_style")] string? ContentStyle,
    [property: JsonPropertyName("hashtags")] List<string?>? Hashtags,
    [property: JsonPropertyName("hook_variants")] List<ScriptSceneRequest?>? HookVariants,
    [property: JsonPropertyName("scenes")] List<ScriptSceneRequest?>? Scenes);

/// <summary>A hook variant or a scene as given on create (<c>hook_variant</c> is ignored for scenes).</summary>
public sealed record ScriptSceneRequest(
    [property: JsonPropertyName("hook_variant")] int? HookVariant,
    [property: JsonPropertyName("scene_number")] int? SceneNumber,
    [property: JsonPropertyName("scene_type")] string? SceneType,
    [property: JsonPropertyName("timestamp")] string? Timestamp,
    [property: JsonPropertyName("text_overlay")] string? TextOverlay,
    [property: JsonPropertyName("voiceover")] string? Voiceover,
    [property: JsonPropertyName("visual")] string? Visual,
    [property: JsonPropertyName("tip")] string? Tip,
    [property: JsonPropertyName("order_index")] int? OrderIndex);

public sealed record ImportLineError(
    [property: JsonPropertyName("line")] int Line,
    [property: JsonPropertyName("error")] string Error);

public sealed record ImportResponse(
    [property: JsonPropertyName("imported")] int Imported,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("ids")] List<Guid> Ids,
    [property: JsonPropertyName("errors")] List<ImportLineError> Errors);

public static class TrainingPairMapping
{
    public static TrainingPairResponse ToResponse(this TrainingPair p) => new(
        p.Id, p.PairId, p.Topic, p.Category, p.DurationSeconds, p.Score, p.UserPrompt, p.SystemPrompt, p.TargetAudience, p.ContentStyle,
        p.Status, p.CreatedAt, p.CreatedBy, p.UpdatedAt, p.UpdatedBy,
        p.Hashtags.OrderBy(h => h.Position).Select(h => new HashtagResponse(h.Id, h.Name, h.CreatedAt, h.CreatedBy, h.UpdatedAt, h.UpdatedBy)).ToList(),
        Ordered(p.HookVariants).Select(h => h.ToResponse()).ToList(),
        Ordered(p.Scenes).Select(s => s.ToResponse()).ToList());

    public static HookVariantResponse ToResponse(this TrainingPairHookVariant h) => new(
        h.Id, h.HookVariant, h.SceneNumber, h.SceneType, h.Timestamp, h.TextOverlay, h.Voiceover, h.Visual, h.Tip, h.OrderIndex,
        h.CreatedAt, h.CreatedBy, h.UpdatedAt, h.UpdatedBy);

    public static SceneResponse ToResponse(this TrainingPairScene s) => new(
        s.Id, s.SceneNumber, s.SceneType, s.Timestamp, s.TextOverlay, s.Voiceover, s.Visual, s.Tip, s.OrderIndex,
        s.CreatedAt, s.CreatedBy, s.UpdatedAt, s.UpdatedBy);

    /// <summary>By <c>order_index</c>; those without one last, then by id (creation order) so the order is stable.</summary>
    public static IEnumerable<T> Ordered<T>(IEnumerable<T> scenes) where T : TrainingPairScript =>
        scenes.OrderBy(s => s.OrderIndex is null).ThenBy(s => s.OrderIndex).ThenBy(s => s.Id);
}
