using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Forge.Shared.Text.Segmentation;

/// <summary>How long a segment may be and how much of the previous piece it repeats, both in characters.</summary>
public sealed record SegmentConfig(int MaxLength = SegmentConfig.DefaultMaxLength, int Overlap = 0)
{
    public const int DefaultMaxLength = 1000;
    public const int MinMaxLength = 50;
    public const int MaxMaxLength = 100_000;

    public const string MaxLengthField = "segment_config.max_length";
    public const string OverlapField = "segment_config.overlap";

    public static SegmentConfig Default { get; } = new();

    /// <summary>Problems keyed by the API field they concern (for a 422); empty when the config is usable.</summary>
    public IReadOnlyDictionary<string, string> Validate()
    {
        var errors = new Dictionary<string, string>();
        if (MaxLength is < MinMaxLength or > MaxMaxLength)
        {
            errors[MaxLengthField] = $"must be between {MinMaxLength} and {MaxMaxLength} characters (got {MaxLength}).";
        }
        if (Overlap < 0)
        {
            errors[OverlapField] = $"must be 0 or more characters (got {Overlap}).";
        }
        else if (Overlap * 2 >= MaxLength)
        {
            errors[OverlapField] = $"must be less than half of max_length ({MaxLength}) (got {Overlap}).";
        }
        return errors;
    }

    /// <summary>Reads the API's <c>segment_config</c>; absent or null settings take their defaults.</summary>
    public static SegmentConfigParseResult Parse(JsonObject? json)
    {
        if (json is null)
        {
            return new SegmentConfigParseResult(Default, new Dictionary<string, string>());
        }

        var errors = new Dictionary<string, string>();
        foreach (var (key, _) in json)
        {
            if (key is not ("max_length" or "overlap"))
            {
                errors[$"segment_config.{key}"] = "is not a known setting; known settings are max_length and overlap.";
            }
        }

        var maxLength = ReadInteger(json, "max_length", DefaultMaxLength, errors);
        var overlap = ReadInteger(json, "overlap", 0, errors);
        if (errors.Count > 0)
        {
            return new SegmentConfigParseResult(null, errors);
        }

        var config = new SegmentConfig(maxLength, overlap);
        var problems = config.Validate();
        return problems.Count > 0 ? new SegmentConfigParseResult(null, problems) : new SegmentConfigParseResult(config, problems);
    }

    private static int ReadInteger(JsonObject json, string key, int fallback, Dictionary<string, string> errors)
    {
        var field = $"segment_config.{key}";
        if (!json.TryGetPropertyValue(key, out var node) || node is null)
        {
            return fallback;
        }
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
        {
            errors[field] = $"must be an integer number of characters (got {Describe(node)}).";
            return fallback;
        }
        var raw = value.ToJsonString();
        if (!decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number != decimal.Truncate(number))
        {
            errors[field] = $"must be an integer number of characters (got {raw}).";
            return fallback;
        }
        if (number is < int.MinValue or > int.MaxValue)
        {
            errors[field] = $"is out of range (got {raw}).";
            return fallback;
        }
        return (int)number;
    }

    private static string Describe(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.String => $"the string {node.ToJsonString()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {node.ToJsonString()}",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => node.ToJsonString(),
    };
}

/// <summary>Either a usable <see cref="Config"/> or the <see cref="Errors"/> to answer with (field → message).</summary>
public sealed record SegmentConfigParseResult(SegmentConfig? Config, IReadOnlyDictionary<string, string> Errors)
{
    public bool IsValid => Config is not null;
}
