using Forge.Shared.Durable;
using System.Text.Json.Nodes;

namespace Forge.Shared.Ai;

/// <summary>
/// Makes one training item from one segment. Implementations: the OpenAI-compatible client (openai, gemini,
/// together, azure_openai, any compatible server) and the offline extractive generator.
/// Failures: <see cref="Forge.Shared.Durable.RetryableActivityException"/> for 429/5xx/timeouts (with the
/// provider's Retry-After), <see cref="GenerationSkippedException"/> when this item cannot be made (malformed
/// model output, a segment with nothing to ask about), <see cref="Forge.Shared.Durable.PermanentActivityException"/>
/// for configuration errors the next attempt cannot fix (401, 404 model).
/// </summary>
public interface IItemGenerator
{
    /// <summary>What produced the item, recorded on it: <c>extractive</c>, or the provider name (<c>openai</c> ...).</summary>
    string Name { get; }

    Task<GenerationResult> GenerateAsync(GenerationPrompt prompt, CancellationToken cancellationToken);
}

/// <param name="SystemPrompt">The template's system prompt, or null without a template.</param>
/// <param name="UserPrompt">The template's user prompt rendered with the segment (see <see cref="PromptTemplate"/>).</param>
/// <param name="Variant">0 for the first item of a segment, 1 for the second ...; generators make variants differ.</param>
public sealed record GenerationPrompt(
    string? SystemPrompt,
    string UserPrompt,
    string SegmentText,
    string SegmentType,
    JsonObject SegmentMetadata,
    int Variant,
    GenerationSettings Settings);

/// <summary>The dataset's <c>generation_config</c> fields passed through to the provider.</summary>
public sealed record GenerationSettings(string? Model = null, double? Temperature = null, int? MaxTokens = null);

public sealed record GeneratedItem(string Instruction, string InputText, string IdealResponse, string? BadResponse, string? Explanation);

/// <param name="Generator">The generator's <see cref="IItemGenerator.Name"/>.</param>
/// <param name="Model">The model that answered (the provider's echo), or null for the extractive generator.</param>
public sealed record GenerationResult(GeneratedItem Item, string Generator, string? Model, TokenUsage Usage);

public readonly record struct TokenUsage(int PromptTokens, int CompletionTokens)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}

/// <summary>This item cannot be made; <see cref="Reason"/> is a short stable code counted on the dataset.</summary>
public class GenerationSkippedException(string reason, string message, TokenUsage usage = default, Exception? inner = null)
    : Exception(message, inner)
{
    public string Reason { get; } = reason;

    /// <summary>Tokens the provider billed for the unusable answer.</summary>
    public TokenUsage Usage { get; } = usage;
}

/// <summary>The model answered, but not with the JSON item asked for (not JSON, truncated, missing fields).</summary>
public sealed class MalformedOutputException(string message, TokenUsage usage = default, Exception? inner = null)
    : GenerationSkippedException("malformed_output", message, usage, inner);
