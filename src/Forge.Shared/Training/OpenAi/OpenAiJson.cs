using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Forge.Shared.Training.OpenAi;

/// <summary>Reads of OpenAI's raw answers, for the fields the SDK's typed models leave out (fine_tuned_model, error, trained_tokens).</summary>
internal static class OpenAiJson
{
    public static JsonObject Parse(BinaryData content) =>
        JsonNode.Parse(content.ToString()) as JsonObject ?? throw new JsonException("OpenAI answered with JSON that is not an object");

    public static string? String(JsonObject? json, string name) =>
        json?[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { Length: > 0 } text
            ? text
            : null;

    // Through the JSON text: a node built in memory (our own saved state) holds an int or long, not a double.
    public static double? Number(JsonObject? json, string name) =>
        json?[name] is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            ? double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
            : null;

    public static long? Integer(JsonObject? json, string name) => Number(json, name) is { } number ? (long)number : null;
}
