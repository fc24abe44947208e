using Forge.Shared.Durable;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Forge.Shared.Ai;

/// <summary>Turns a provider's error answer into what the engine does next: retry (when, if the provider says) or fail the run.</summary>
internal static class ProviderFailure
{
    public static Exception From(string provider, ClientResultException exception, DateTimeOffset now)
    {
        var response = exception.GetRawResponse();
        var status = exception.Status;
        if (status == 0 || response is null)
        {
            // No HTTP answer at all: DNS, refused or reset connections.
            return new RetryableActivityException($"{provider} could not be reached: {exception.InnerException?.Message ?? exception.Message}", null, exception);
        }
        var (detail, code) = ErrorDetail(response);
        var message = $"{provider} answered {status}{(detail is null ? "" : $": {detail}")}";
        // OpenAI answers 429 also when the account has no credit; waiting does not fix that.
        if (status == 429 && code == "insufficient_quota")
        {
            return new PermanentActivityException(message, exception);
        }
        // One segment too long for the model's context spoils only its own item, not the whole generation.
        if (status == 400 && code == "context_length_exceeded")
        {
            return new GenerationSkippedException("prompt_too_long", message, default, exception);
        }
        if (status is 408 or 429 || status >= 500)
        {
            return new RetryableActivityException(message, RetryAfter(response.Headers, now), exception);
        }
        var hint = status switch
        {
            401 or 403 => $" (check {AiOptions.SectionName}:Providers:{provider}:ApiKey)",
            404 => $" (check the model name and {AiOptions.SectionName}:Providers:{provider}:BaseUrl)",
            _ => "",
        };
        return new PermanentActivityException(message + hint, exception);
    }

    /// <summary>The wait the provider asks for: OpenAI's <c>retry-after-ms</c>, else <c>Retry-After</c> in seconds or as a date.</summary>
    internal static TimeSpan? RetryAfter(PipelineResponseHeaders headers, DateTimeOffset now)
    {
        if (headers.TryGetValue("retry-after-ms", out var ms)
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0)
        {
            return TimeSpan.FromMilliseconds(milliseconds);
        }
        if (!headers.TryGetValue("Retry-After", out var value) || string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        // One reading of Retry-After for every provider: the durable layer's, which takes HttpResponseHeaders.
        using var message = new HttpResponseMessage();
        message.Headers.TryAddWithoutValidation("Retry-After", value);
        return Durable.RetryAfter.From(message.Headers, now);
    }

    /// <summary>The provider's own message and code from <c>{"error":{"message","code"}}</c> (Gemini wraps it in an array).</summary>
    private static (string? Message, string? Code) ErrorDetail(PipelineResponse response)
    {
        JsonNode? body;
        try
        {
            body = JsonNode.Parse(response.Content.ToString());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return (null, null);
        }
        if (body is JsonArray { Count: > 0 } array)
        {
            body = array[0];
        }
        var error = (body as JsonObject)?["error"];
        if (error is JsonValue plain && plain.GetValueKind() == JsonValueKind.String)
        {
            return (plain.GetValue<string>(), null);
        }
        if (error is not JsonObject details)
        {
            return (null, null);
        }
        return (Text(details["message"]), Text(details["code"]) ?? Text(details["status"]));
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { Length: > 0 } text
            ? text.Length <= 500 ? text : text[..500] + "..."
            : null;
}
