using System.ComponentModel.DataAnnotations;

namespace Forge.Shared.Training.OpenAi;

/// <summary>
/// The <c>openai</c> training provider, bound from <c>Forge:Training:OpenAI</c>: <c>ApiKey</c>, <c>BaseUrl</c>,
/// <c>RequestTimeoutSeconds</c>, <c>UploadTimeoutSeconds</c>. Without a key the provider refuses every call with a
/// permanent error naming the key, so an unconfigured provider never blocks start-up. <c>OPENAI_API_KEY</c> is
/// deliberately not read: a key found by accident would start billed training.
/// </summary>
public sealed class OpenAiTrainingOptions
{
    public const string SectionName = "Forge:Training:OpenAI";

    public const string DefaultBaseUrl = "https://api.openai.com/v1";

    public string? ApiKey { get; set; }

    /// <summary>The API root, the part before <c>/fine_tuning/jobs</c>.</summary>
    public string BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary>One call's limit; a slower answer is retried by the engine.</summary>
    [Range(1, 3600)]
    public int RequestTimeoutSeconds { get; set; } = 60;

    /// <summary>The limit for uploading the export, which can be far larger than any other request.</summary>
    [Range(1, 86400)]
    public int UploadTimeoutSeconds { get; set; } = 1800;
}
