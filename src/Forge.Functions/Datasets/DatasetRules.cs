using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Functions.Exports;
using Forge.Functions.Hosting;
using Forge.Shared.Ai;
using Forge.Shared.Data;
using Forge.Shared.Text.Segmentation;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.Datasets;

/// <summary>The keys of <c>generation_config</c> Forge reads, once checked.</summary>
public sealed record GenerationConfig(GenerationSettings Settings, int ItemsPerSegment);

/// <summary>Checks of the free-form objects a dataset carries: the keys Forge reads must have the right shape.</summary>
public static class DatasetRules
{
    public static IReadOnlyList<string> Providers { get; } = ["openai", "gemini", "together", "azure_openai", "extractive"];

    public static IReadOnlyList<string> SegmentFilterKeys { get; } = ["segment_type", "domain_id", "document_id", "use_case"];

    public const int MaxItemsPerSegment = 20;

    public static void CheckGenerationConfig(JsonObject? config, FieldRules rules)
    {
        if (config is null)
        {
            return;
        }
        if (config["model"] is { } model && !IsString(model))
        {
            rules.Add("generation_config.model", "Must be a string");
        }
        if (config["temperature"] is { } temperature && Number(temperature) is not (>= 0 and <= 2))
        {
            rules.Add("generation_config.temperature", "Must be a number between 0 and 2");
        }
        if (config["max_tokens"] is { } maxTokens && Integer(maxTokens) is not (>= 1 and <= 1_000_000))
        {
            rules.Add("generation_config.max_tokens", "Must be a positive integer");
        }
        if (config["items_per_segment"] is { } perSegment && Integer(perSegment) is not (>= 1 and <= MaxItemsPerSegment))
        {
            rules.Add("generation_config.items_per_segment", $"Must be an integer between 1 and {MaxItemsPerSegment}");
        }
        ExportSettings.ParseAutoExport(config["auto_export"], rules, "generation_config.auto_export");
    }

    /// <summary>Reads a checked <c>generation_config</c>.</summary>
    public static GenerationConfig ReadGenerationConfig(JsonObject config) => new(
        new GenerationSettings(
            config["model"] is { } model && IsString(model) ? model.GetValue<string>() : null,
            config["temperature"] is { } t ? Number(t) : null,
            config["max_tokens"] is { } m ? (int?)Integer(m) : null),
        config["items_per_segment"] is { } n && Integer(n) is { } count ? (int)count : 1);

    public static void CheckSegmentFilter(JsonObject? filter, Guid? domainId, FieldRules rules)
    {
        foreach (var (key, value) in filter ?? [])
        {
            var field = $"segment_filter.{key}";
            switch (key)
            {
                case "segment_type":
                    if (!IsString(value) || !Segmenters.Known.Contains(value!.GetValue<string>()))
                    {
                        rules.Add(field, $"Must be one of: {string.Join(", ", Segmenters.Known)}");
                    }
                    break;
                case "domain_id":
                    if (!IsString(value) || !Guid.TryParse(value!.GetValue<string>(), out var id))
                    {
                        rules.Add(field, "Must be a UUID");
                    }
                    else if (domainId is not null && id != domainId)
                    {
                        rules.Add(field, "Segments come from the dataset's own domain; must equal domain_id");
                    }
                    break;
                case "document_id":
                    if (!IsString(value) || !Guid.TryParse(value!.GetValue<string>(), out _))
                    {
                        rules.Add(field, "Must be a UUID");
                    }
                    break;
                case "use_case":
                    if (!IsString(value))
                    {
                        rules.Add(field, "Must be a string");
                    }
                    break;
                default:
                    // Ignoring an unknown key would silently widen the selection to every segment.
                    rules.Add(field, $"Unknown filter; known: {string.Join(", ", SegmentFilterKeys)}");
                    break;
            }
        }
    }

    public static string? FilterText(JsonObject filter, string key) => filter[key] is { } v && IsString(v) ? v.GetValue<string>() : null;

    private static bool IsString(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String;

    private static double? Number(JsonNode node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;

    private static long? Integer(JsonNode node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var n) ? n
        : node is JsonValue d && d.GetValueKind() == JsonValueKind.Number && d.GetValue<double>() is var x && x == Math.Floor(x) && Math.Abs(x) < 1e15 ? (long)x
        : null;
}

/// <summary>
/// Serializes the changes of one dataset: a no-op update takes its row lock (PostgreSQL) or the write lock
/// (SQLite) until the caller's transaction ends, so what the caller reads next includes every earlier change.
/// </summary>
public static class DatasetLock
{
    public static Task AcquireAsync(ForgeDbContext db, Guid datasetId, CancellationToken ct) =>
        db.Datasets.Where(d => d.Id == datasetId).ExecuteUpdateAsync(s => s.SetProperty(d => d.LastExportVersion, d => d.LastExportVersion), ct);
}
