using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Forge.Shared.Data;

namespace Forge.Functions.Templates;

public sealed record CreateTemplateRequest(
    [property: JsonPropertyName("domain_id")] Guid? DomainId,
    [property: JsonPropertyName("use_case")] string? UseCase,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("system_prompt")] string? SystemPrompt,
    [property: JsonPropertyName("user_prompt_template")] string? UserPromptTemplate,
    [property: JsonPropertyName("target_model_family")] string? TargetModelFamily,
    [property: JsonPropertyName("config")] JsonObject? Config);

public sealed record TemplateResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("domain_id")] Guid DomainId,
    [property: JsonPropertyName("use_case")] string? UseCase,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("system_prompt")] string SystemPrompt,
    [property: JsonPropertyName("user_prompt_template")] string UserPromptTemplate,
    [property: JsonPropertyName("target_model_family")] string? TargetModelFamily,
    [property: JsonPropertyName("config")] JsonObject Config,
    [property: JsonPropertyName("is_active")] bool IsActive,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTime UpdatedAt);

public static class TemplateMapping
{
    public static TemplateResponse ToResponse(this GenerationTemplate t) => new(
        t.Id, t.DomainId, t.UseCase, t.Name, t.SystemPrompt, t.UserPromptTemplate, t.TargetModelFamily, t.Config, t.IsActive, t.CreatedAt, t.UpdatedAt);
}
