using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Forge.Shared.Ai;

/// <summary>
/// LLM providers, bound from <c>Forge:Ai</c>: <c>Forge:Ai:Providers:openai:ApiKey</c> (or the environment variable
/// <c>Forge__Ai__Providers__openai__ApiKey</c>), <c>...:BaseUrl</c>, <c>...:Model</c>, <c>...:StructuredOutput</c>.
/// A provider without an API key is served by the extractive generator. <c>OPENAI_API_KEY</c> and similar variables
/// are deliberately not read: a key found by accident would silently turn offline runs into billed ones.
/// </summary>
public sealed class AiOptions
{
    public const string SectionName = "Forge:Ai";

    /// <summary>By provider name: <c>openai</c>, <c>gemini</c>, <c>together</c>, <c>azure_openai</c>, or any name with a BaseUrl.</summary>
    public Dictionary<string, AiProviderOptions> Providers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>One attempt's limit; a slower answer is retried by the engine.</summary>
    [Range(1, 3600)]
    public int RequestTimeoutSeconds { get; set; } = 60;

    /// <summary>Base URLs of providers that have one public endpoint; azure_openai and custom servers need BaseUrl.</summary>
    public static IReadOnlyDictionary<string, string> DefaultBaseUrls { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["openai"] = "https://api.openai.com/v1",
        ["gemini"] = "https://generativelanguage.googleapis.com/v1beta/openai/",
        ["together"] = "https://api.together.xyz/v1",
    };

    /// <summary>The provider's options, matching the name case-insensitively whatever dictionary the binder made.</summary>
    public AiProviderOptions? Provider(string name) =>
        Providers.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

public sealed class AiProviderOptions
{
    public string? ApiKey { get; set; }

    /// <summary>The OpenAI-compatible API root (the part before <c>/chat/completions</c>); defaults per provider.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The model when a dataset names none; then <c>gpt-4o-mini</c>.</summary>
    public string? Model { get; set; }

    /// <summary><c>json_schema</c> (strict structured output), <c>json_object</c> (JSON mode) or <c>none</c>, for servers without schemas.</summary>
    public string StructuredOutput { get; set; } = "json_schema";
}

/// <summary>How the response format is asked for.</summary>
public enum StructuredOutputMode
{
    JsonSchema,
    JsonObject,
    None,
}

/// <summary>Checks what binding cannot: base URLs, structured output modes, providers that need a BaseUrl.</summary>
public sealed class AiOptionsValidator : IValidateOptions<AiOptions>
{
    public ValidateOptionsResult Validate(string? name, AiOptions options)
    {
        var failures = options.Providers.SelectMany(p => Failures(p.Key, p.Value)).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static IEnumerable<string> Failures(string provider, AiProviderOptions options)
    {
        var key = $"{AiOptions.SectionName}:Providers:{provider}";
        if (ParseMode(options.StructuredOutput) is null)
        {
            yield return $"{key}:StructuredOutput must be json_schema, json_object or none (was '{options.StructuredOutput}').";
        }
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            yield break;
        }
        var baseUrl = BaseUrl(provider, options);
        if (baseUrl is null)
        {
            yield return $"{key}:BaseUrl is required for '{provider}' (for azure_openai: https://RESOURCE.openai.azure.com/openai/v1/).";
        }
        else if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            yield return $"{key}:BaseUrl must be an absolute http(s) URL (was '{baseUrl}').";
        }
    }

    internal static string? BaseUrl(string provider, AiProviderOptions options) =>
        options.BaseUrl is { Length: > 0 } configured ? configured : AiOptions.DefaultBaseUrls.GetValueOrDefault(provider);

    internal static StructuredOutputMode? ParseMode(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "json_schema" or "" or null => StructuredOutputMode.JsonSchema,
        "json_object" => StructuredOutputMode.JsonObject,
        "none" => StructuredOutputMode.None,
        _ => null,
    };
}
