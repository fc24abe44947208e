using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Forge.Shared.Data;

namespace Forge.Functions.Models;

public sealed record CreateModelRequest(
    [property: JsonPropertyName("domain_id")] Guid? DomainId,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("base_model")] string? BaseModel,
    [property: JsonPropertyName("provider")] string? Provider,
    [property: JsonPropertyName("model_family")] string? ModelFamily,
    [property: JsonPropertyName("version")] string? Version,
    [property: JsonPropertyName("config")] JsonObject? Config,
    [property: JsonPropertyName("capabilities")] JsonObject? Capabilities);

/// <summary>
/// A partial update: absent fields are kept. <c>status</c> archives a model or brings it back. <c>base_model</c> is
/// checked like a registration's and may only repeat the registered one.
/// </summary>
public sealed record UpdateModelRequest(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("base_model")] string? BaseModel,
    [property: JsonPropertyName("version")] string? Version,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("config")] JsonObject? Config,
    [property: JsonPropertyName("capabilities")] JsonObject? Capabilities);

public sealed record ModelResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("domain_id")] Guid? DomainId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("base_model")] string BaseModel,
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("model_family")] string? ModelFamily,
    [property: JsonPropertyName("version")] string? Version,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("config")] JsonObject Config,
    [property: JsonPropertyName("capabilities")] JsonObject Capabilities,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTime UpdatedAt);

public static class ModelMapping
{
    public static ModelResponse ToResponse(this TrainingModel m) => new(
        m.Id, m.DomainId, m.Name, m.BaseModel, m.Provider, m.ModelFamily, m.Version, m.Status, m.Config, m.Capabilities, m.CreatedAt, m.UpdatedAt);
}
