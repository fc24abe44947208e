using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Forge.Shared.Data;

namespace Forge.Functions.TrainingJobs;

public sealed record CreateTrainingJobRequest(
    [property: JsonPropertyName("model_id")] Guid? ModelId,
    [property: JsonPropertyName("dataset_id")] Guid? DatasetId,
    [property: JsonPropertyName("dataset_export_id")] Guid? DatasetExportId,
    [property: JsonPropertyName("provider")] string? Provider,
    [property: JsonPropertyName("hyperparameters")] JsonObject? Hyperparameters);

public sealed record TrainingJobResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("model_id")] Guid ModelId,
    [property: JsonPropertyName("dataset_id")] Guid DatasetId,
    [property: JsonPropertyName("dataset_export_id")] Guid DatasetExportId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("external_job_id")] string? ExternalJobId,
    [property: JsonPropertyName("hyperparameters")] JsonObject Hyperparameters,
    [property: JsonPropertyName("metrics")] JsonObject Metrics,
    [property: JsonPropertyName("error_message")] string? ErrorMessage,
    [property: JsonPropertyName("started_at")] DateTime? StartedAt,
    [property: JsonPropertyName("completed_at")] DateTime? CompletedAt,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTime UpdatedAt,
    [property: JsonPropertyName("cancel_requested")] bool CancelRequested);

public sealed record TrainingJobEventResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("data")] JsonObject? Data,
    [property: JsonPropertyName("at")] DateTime At);

public static class TrainingJobMapping
{
    public static TrainingJobResponse ToResponse(this TrainingJob j) => new(
        j.Id, j.ModelId, j.DatasetId, j.DatasetExportId, j.Status, j.Provider, j.ExternalJobId, j.Hyperparameters, j.Metrics, j.ErrorMessage,
        j.StartedAt, j.CompletedAt, j.CreatedAt, j.UpdatedAt, j.CancelRequested);

    public static TrainingJobEventResponse ToResponse(this TrainingJobEvent e) => new(e.Id, e.Kind, e.Message, e.Data, e.At);
}
