using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Forge.Shared.Ai;

/// <summary>
/// Maps a compatible server's non-OpenAI <c>finish_reason</c> (<c>eos</c>, <c>MAX_TOKENS</c>, null) to OpenAI's values
/// before the SDK reads the answer: the SDK throws on any value it does not know, which would discard a good item and
/// retry a request that was already billed.
/// </summary>
internal sealed class FinishReasonPolicy : PipelinePolicy
{
    private static readonly HashSet<string> Known = ["stop", "length", "tool_calls", "content_filter", "function_call"];

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        ProcessNext(message, pipeline, currentIndex);
        Normalize(message.Response);
    }

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);
        Normalize(message.Response);
    }

    private static void Normalize(PipelineResponse? response)
    {
        if (response is not { Status: 200 } || Read(response) is not JsonObject body || body["choices"] is not JsonArray choices)
        {
            return;
        }
        var changed = false;
        foreach (var choice in choices.OfType<JsonObject>())
        {
            var value = choice["finish_reason"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
            if (value is not null && Known.Contains(value))
            {
                continue;
            }
            choice["finish_reason"] = Canonical(value);
            changed = true;
        }
        if (changed)
        {
            response.ContentStream = new MemoryStream(Encoding.UTF8.GetBytes(body.ToJsonString()));
        }
    }

    /// <summary>Token limits read as <c>length</c> (so the answer is treated as truncated); anything else as a normal stop.</summary>
    internal static string Canonical(string? value) =>
        value is not null && (value.Contains("length", StringComparison.OrdinalIgnoreCase) || value.Contains("max", StringComparison.OrdinalIgnoreCase)
            || value.Contains("token", StringComparison.OrdinalIgnoreCase) && !value.Contains("eos", StringComparison.OrdinalIgnoreCase))
            ? "length"
            : "stop";

    private static JsonNode? Read(PipelineResponse response)
    {
        try
        {
            return JsonNode.Parse(response.Content);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not JSON or not buffered: the SDK reports it as it would without this policy.
            return null;
        }
    }
}
