using System.ComponentModel.DataAnnotations;

namespace Forge.Shared.Training.Together;

/// <summary>
/// The <c>together</c> training provider, bound from <c>Forge:Training:Together</c>: <c>ApiKey</c>, <c>BaseUrl</c>,
/// <c>RequestTimeoutSeconds</c>, <c>UploadTimeoutSeconds</c>. Without a key the provider refuses every call with a
/// permanent error naming the key, so an unconfigured provider never blocks start-up.
/// </summary>
public sealed class TogetherTrainingOptions
{
    public const string SectionName = "Forge:Training:Together";

    public const string DefaultBaseUrl = "https://api.together.xyz/v1";

    public string? ApiKey { get; set; }

    /// <summary>The API root, the part before <c>/fine-tunes</c>.</summary>
    public string BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary>One call's limit; a slower answer is retried by the engine.</summary>
    [Range(1, 3600)]
    public int RequestTimeoutSeconds { get; set; } = 60;

    /// <summary>The limit for uploading the export, which can be far larger than any other request.</summary>
    [Range(1, 86400)]
    public int UploadTimeoutSeconds { get; set; } = 1800;
}
