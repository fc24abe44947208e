using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Forge.Shared.Data;

namespace Forge.Functions.Exports;

public sealed record ExportRequest(
    [property: JsonPropertyName("format")] string? Format,
    [property: JsonPropertyName("approved_only")] bool? ApprovedOnly,
    [property: JsonPropertyName("filters")] JsonObject? Filters,
    [property: JsonPropertyName("schema")] string? Schema,
    [property: JsonPropertyName("csv_formula_escape")] bool? CsvFormulaEscape = null);

public sealed record ExportResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("dataset_id")] Guid DatasetId,
    [property: JsonPropertyName("export_version")] int ExportVersion,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("s3_key")] string S3Key,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("item_count")] int ItemCount,
    [property: JsonPropertyName("filters_applied")] JsonObject FiltersApplied,
    [property: JsonPropertyName("download_url")] string? DownloadUrl,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("schema")] string Schema,
    [property: JsonPropertyName("manifest_key")] string ManifestKey,
    [property: JsonPropertyName("skipped_count")] int SkippedCount,
    [property: JsonPropertyName("file_bytes")] long? FileBytes,
    [property: JsonPropertyName("file_sha256")] string? FileSha256,
    [property: JsonPropertyName("trigger")] string Trigger,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("completed_at")] DateTime? CompletedAt);

public sealed record DownloadResponse([property: JsonPropertyName("download_url")] string DownloadUrl);

public static class ExportMapping
{
    public static ExportResponse ToResponse(this DatasetExport e, string? downloadUrl) => new(
        e.Id, e.DatasetId, e.ExportVersion, e.Format, e.S3Key, e.Status, e.ItemCount, e.FiltersApplied, downloadUrl, e.CreatedAt,
        e.Schema, e.ManifestKey, e.SkippedCount, e.FileBytes, e.FileSha256, e.Trigger, e.Error, e.CompletedAt);
}
