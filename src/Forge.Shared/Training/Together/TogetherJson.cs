using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Forge.Shared.Training.Together;

/// <summary>Lenient reads of Together's answers: a field may be missing, null, or a number sent as a string.</summary>
internal static class TogetherJson
{
    public static string? String(JsonObject? json, string name) =>
        json?[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { Length: > 0 } text
            ? text
            : null;

    public static double? Number(JsonObject? json, string name) => json?[name] is JsonValue value ? Number(value) : null;

    public static double? Number(JsonValue value) => value.GetValueKind() switch
    {
        // Through the JSON text: a node built in memory (our own saved state) holds an int or long, not a double.
        JsonValueKind.Number => double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture),
        JsonValueKind.String when double.TryParse(value.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    public static long? Integer(JsonObject? json, string name) => Number(json, name) is { } number ? (long)number : null;

    public static IEnumerable<JsonObject> Data(JsonObject list) => (list["data"] as JsonArray)?.OfType<JsonObject>() ?? [];

    /// <summary>An ISO-8601 timestamp as UTC; Together sends them with and without an offset.</summary>
    public static DateTime? Time(JsonObject? json, string name) =>
        String(json, name) is { } text
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.UtcDateTime
            : null;
}
