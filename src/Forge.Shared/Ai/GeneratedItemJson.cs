using System.Text.Json;
using System.Text.Json.Nodes;
using OpenAI.Chat;

namespace Forge.Shared.Ai;

/// <summary>The JSON object a model is asked for, and the lenient-but-safe reading of its answer.</summary>
internal static class GeneratedItemJson
{
    public const string Instruction =
        "Reply with one JSON object and nothing else, with these string fields: "
        + "\"instruction\" (the task or question for the assistant), "
        + "\"input_text\" (the user's message or context the assistant receives; \"\" when the instruction says it all), "
        + "\"ideal_response\" (the best answer, supported by the source text), "
        + "\"bad_response\" (a plausible but worse answer), "
        + "\"explanation\" (why the ideal response is better).";

    private static readonly string[] Fields = ["instruction", "input_text", "ideal_response", "bad_response", "explanation"];

    public static BinaryData Schema { get; } = BinaryData.FromString(new JsonObject
    {
        ["type"] = "object",
        ["properties"] = new JsonObject(Fields.Select(f => KeyValuePair.Create(f, (JsonNode?)new JsonObject { ["type"] = "string" }))),
        ["required"] = new JsonArray([.. Fields.Select(f => (JsonNode?)f)]),
        ["additionalProperties"] = false,
    }.ToJsonString());

    /// <exception cref="MalformedOutputException">The answer is not the item: not JSON, truncated, refused, missing fields.</exception>
    public static GeneratedItem Parse(string provider, string? content, ChatFinishReason finishReason, string? refusal, TokenUsage usage)
    {
        if (finishReason == ChatFinishReason.Length)
        {
            throw Malformed(provider, "truncated (finish_reason=length)", usage);
        }
        if (finishReason == ChatFinishReason.ContentFilter)
        {
            throw Malformed(provider, "blocked (finish_reason=content_filter)", usage);
        }
        if (string.IsNullOrWhiteSpace(content))
        {
            throw Malformed(provider, refusal is { Length: > 0 } ? $"refused: {Shorten(refusal)}" : "empty answer", usage);
        }
        if (ReadObject(StripFences(content)) is not { } item)
        {
            throw Malformed(provider, "not JSON", usage);
        }
        return new GeneratedItem(
            Required(provider, item, "instruction", usage),
            Optional(item, "input_text") ?? "",
            Required(provider, item, "ideal_response", usage),
            NullIfBlank(Optional(item, "bad_response")),
            NullIfBlank(Optional(item, "explanation")));
    }

    /// <summary>The content without a Markdown code fence (```json ... ```), which JSON-mode-less servers often add.</summary>
    internal static string StripFences(string content)
    {
        var text = content.Trim();
        if (!text.StartsWith("```", StringComparison.Ordinal))
        {
            return text;
        }
        var firstLineEnd = text.IndexOf('\n');
        if (firstLineEnd < 0)
        {
            return text;
        }
        text = text[(firstLineEnd + 1)..].TrimEnd();
        return text.EndsWith("```", StringComparison.Ordinal) ? text[..^3].TrimEnd() : text;
    }

    /// <summary>The JSON object, or the outermost {...} when a model wrapped it in a sentence; null when neither parses.</summary>
    private static JsonObject? ReadObject(string text)
    {
        if (TryParse(text) is JsonObject whole)
        {
            return whole;
        }
        var start = text.IndexOf('{');
        var end = text.LastIndexOf('}');
        return start >= 0 && end > start && TryParse(text[start..(end + 1)]) is JsonObject inner ? inner : null;
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Required(string provider, JsonObject item, string field, TokenUsage usage)
    {
        var value = item[field];
        if (value is null)
        {
            throw Malformed(provider, $"missing field {field}", usage);
        }
        if (value is not JsonValue scalar || scalar.GetValueKind() != JsonValueKind.String)
        {
            throw Malformed(provider, $"field {field} is not a string", usage);
        }
        var text = scalar.GetValue<string>().Trim();
        return text.Length > 0 ? text : throw Malformed(provider, $"empty field {field}", usage);
    }

    // Optional fields of another type are dropped rather than failing an otherwise good item.
    private static string? Optional(JsonObject item, string field) =>
        item[field] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>().Trim() : null;

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";

    private static MalformedOutputException Malformed(string provider, string reason, TokenUsage usage) =>
        new($"{provider} answered with malformed output: {reason}", usage);
}
