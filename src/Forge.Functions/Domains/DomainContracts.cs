using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Forge.Shared.Data;

namespace Forge.Functions.Domains;

public sealed record CreateDomainRequest(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("slug")] string? Slug,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("config")] JsonObject? Config);

/// <summary>Every field optional: only those sent change.</summary>
public sealed record UpdateDomainRequest(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("slug")] string? Slug,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("config")] JsonObject? Config,
    [property: JsonPropertyName("is_active")] bool? IsActive);

public sealed record DomainResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("slug")] string Slug,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("config")] JsonObject Config,
    [property: JsonPropertyName("is_active")] bool IsActive,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTime UpdatedAt);

public static class DomainMapping
{
    public static DomainResponse ToResponse(this Domain d) =>
        new(d.Id, d.Name, d.Slug, d.Description, d.Config, d.IsActive, d.CreatedAt, d.UpdatedAt);
}
