using Forge.Shared.Durable;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Shared.Ai;

namespace Forge.Shared.Training.OpenAi;

/// <summary>Turns what went wrong talking to OpenAI into what the engine does next: retry (when, if OpenAI says) or fail the run.</summary>
internal static class OpenAiTrainingFailure
{
    private const string Provider = "openai";

    /// <summary>Runs one call, translating the SDK's failures; <paramref name="what"/> names the call in the message.</summary>
    public static async Task<T> CallAsync<T>(string what, TimeSpan timeout, Func<Task<T>> call, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (ClientResultException e)
        {
            throw From(e, what, timeProvider.GetUtcNow());
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // The caller did not cancel, so this is the SDK's network timeout.
            throw new RetryableActivityException(
                $"{Provider} did not answer {what} within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s", null, e);
        }
        catch (HttpRequestException e)
        {
            throw new RetryableActivityException($"{Provider} could not be reached for {what}: {e.Message}", null, e);
        }
    }

    public static Exception From(ClientResultException exception, string what, DateTimeOffset now)
    {
        var response = exception.GetRawResponse();
        var status = exception.Status;
        if (status == 0 || response is null)
        {
            // No HTTP answer at all: DNS, refused or reset connections.
            return new RetryableActivityException(
                $"{Provider} could not be reached for {what}: {exception.InnerException?.Message ?? exception.Message}", null, exception);
        }
        var (detail, code) = ErrorDetail(response);
        var message = $"{Provider} answered {status} to {what}{(detail is null ? "" : $": {detail}")}";
        // OpenAI answers 429 also when the account has no credit; waiting does not fix that.
        if (status == 429 && code == "insufficient_quota")
        {
            return new PermanentActivityException(message + " (check the OpenAI account's billing)", exception);
        }
        if (status is 408 or 429 || status >= 500)
        {
            return new RetryableActivityException(message, ProviderFailure.RetryAfter(response.Headers, now), exception);
        }
        var hint = status switch
        {
            401 or 403 => $" (check {OpenAiTrainingOptions.SectionName}:ApiKey)",
            404 => $" (check that the base model or job exists, and {OpenAiTrainingOptions.SectionName}:BaseUrl)",
            _ => " (check the model's base model, the export's format and the job's hyperparameters)",
        };
        return new PermanentActivityException(message + hint, exception);
    }

    /// <summary>OpenAI's own message and code from <c>{"error":{"message","code"}}</c>.</summary>
    private static (string? Message, string? Code) ErrorDetail(PipelineResponse response)
    {
        JsonObject? error;
        try
        {
            error = (JsonNode.Parse(response.Content.ToString()) as JsonObject)?["error"] as JsonObject;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return (null, null);
        }
        return (OpenAiJson.String(error, "message") is { } text ? (text.Length <= 500 ? text : text[..500] + "...") : null, OpenAiJson.String(error, "code"));
    }
}
