using System.Text.Json.Nodes;
using Forge.Shared.Data;
using Forge.Shared.Text.Segmentation;

namespace Forge.Functions.Documents;

/// <summary>
/// What a domain's <c>config</c> says about processing its documents: <c>auto_process</c> (process on upload),
/// <c>default_segment_type</c> (else <c>paragraph</c>) and <c>default_segment_config</c>.
/// </summary>
public static class DomainDefaults
{
    public static bool AutoProcess(Domain domain) =>
        domain.Config["auto_process"] is JsonValue value && value.TryGetValue<bool>(out var on) && on;

    public static string SegmentType(Domain domain) =>
        domain.Config["default_segment_type"] is JsonValue value && value.TryGetValue<string>(out var type) && Segmenters.Create(type) is not null
            ? type
            : Segmenters.Paragraph;

    /// <summary>The domain's default config when it is valid; otherwise the segmenters' defaults.</summary>
    public static JsonObject SegmentConfig(Domain domain) =>
        domain.Config["default_segment_config"] is JsonObject config && Shared.Text.Segmentation.SegmentConfig.Parse(config).IsValid
            ? (JsonObject)config.DeepClone()
            : [];
}
