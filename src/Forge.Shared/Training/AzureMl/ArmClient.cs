using Forge.Shared.Durable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;

namespace Forge.Shared.Training.AzureMl;

/// <summary>
/// ARM requests on Azure.Core's pipeline with a bearer token from <see cref="TokenCredential"/>. The pipeline does not
/// retry: a throttled or failed request becomes a <see cref="RetryableActivityException"/> (with the Retry-After ARM
/// sent) and the engine retries on a durable timer, instead of an activity sleeping through ARM's back-off.
/// </summary>
internal sealed class ArmClient(HttpPipeline pipeline, TimeProvider timeProvider)
{
    public const string Provider = "Azure ML";

    public static HttpPipeline CreatePipeline(AzureMlTrainingOptions options, TokenCredential credential, HttpPipelineTransport? transport)
    {
        var clientOptions = new ArmClientOptions();
        clientOptions.Retry.MaxRetries = 0;
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(options.RequestTimeoutSeconds);
        if (transport is not null)
        {
            clientOptions.Transport = transport;
        }
        // The token is for the ARM endpoint in use, so another cloud's ARM gets its own audience.
        var scope = new Uri(options.ArmEndpoint).GetLeftPart(UriPartial.Authority) + "/.default";
        return HttpPipelineBuilder.Build(clientOptions, [], [new BearerTokenAuthenticationPolicy(credential, scope)], new ResponseClassifier());
    }

    /// <summary>Sends one request; a transport or sign-in failure is thrown as the engine's retryable or permanent failure.</summary>
    public async Task<ArmResponse> SendAsync(RequestMethod method, Uri uri, JsonObject? body, CancellationToken cancellationToken)
    {
        using var message = pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(uri);
        message.Request.Headers.Add("Accept", "application/json");
        if (body is not null)
        {
            message.Request.Headers.Add("Content-Type", "application/json");
            message.Request.Content = RequestContent.Create(BinaryData.FromString(body.ToJsonString()));
        }
        try
        {
            await pipeline.SendAsync(message, cancellationToken);
        }
        catch (CredentialUnavailableException e)
        {
            throw new PermanentActivityException(
                $"{Provider}: no Azure credential is available: set {AzureMlTrainingOptions.SectionName}:TenantId, ClientId and ClientSecret, " +
                $"or give Forge a managed identity. {e.Message}", e);
        }
        catch (AuthenticationFailedException e)
        {
            // The credential's own message is only "authentication failed"; Entra ID's reason is in the inner exception.
            var text = $"{Provider}: signing in to Entra ID failed: {e.InnerException?.Message ?? e.Message}";
            throw IsTransient(e.InnerException)
                ? new RetryableActivityException(text, null, e)
                : new PermanentActivityException($"{text} (check {AzureMlTrainingOptions.SectionName}:TenantId, ClientId and ClientSecret)", e);
        }
        catch (RequestFailedException e) when (e.Status == 0)
        {
            throw new RetryableActivityException($"{Provider} could not be reached: {e.InnerException?.Message ?? e.Message}", null, e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RetryableActivityException($"{Provider} did not answer within {AzureMlTrainingOptions.SectionName}:RequestTimeoutSeconds.", null, e);
        }
        var response = message.Response;
        return new ArmResponse(response.Status, ParseBody(response), RetryAfterOf(response), ErrorDetail(response));
    }

    /// <summary>The engine's failure for an ARM error answer: retry for 408, 429 and 5xx, otherwise fail, with ARM's own words.</summary>
    public Exception Failure(ArmResponse response, string action)
    {
        var (code, detail) = response.Error;
        var message = $"{Provider} answered {response.Status} to {action}{(code is null ? "" : $" ({code})")}{(detail is null ? "" : $": {detail}")}";
        if (response.Status is 408 or 429 || response.Status >= 500)
        {
            return new RetryableActivityException(message, response.RetryAfter);
        }
        var hint = response.Status switch
        {
            401 => $" (check the credential: {AzureMlTrainingOptions.SectionName}:TenantId, ClientId and ClientSecret, or Forge's managed identity)",
            403 => " (the identity needs a role that may create and read jobs on the workspace, such as AzureML Data Scientist)",
            404 => $" (check {AzureMlTrainingOptions.SectionName}:SubscriptionId, ResourceGroup and Workspace)",
            _ => "",
        };
        return new PermanentActivityException(message + hint);
    }

    /// <summary>Retry-After in seconds or as a date, read the engine's way; ARM's millisecond headers when it is missing.</summary>
    private TimeSpan? RetryAfterOf(Response response)
    {
        var now = timeProvider.GetUtcNow();
        if (response.Headers.TryGetValue("Retry-After", out var value) && !string.IsNullOrWhiteSpace(value))
        {
            using var message = new HttpResponseMessage();
            message.Headers.TryAddWithoutValidation("Retry-After", value);
            return RetryAfter.From(message.Headers, now);
        }
        foreach (var header in new[] { "retry-after-ms", "x-ms-retry-after-ms" })
        {
            if (response.Headers.TryGetValue(header, out var ms) && double.TryParse(ms, System.Globalization.CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0)
            {
                return TimeSpan.FromMilliseconds(milliseconds);
            }
        }
        return null;
    }

    private static JsonObject? ParseBody(Response response)
    {
        try
        {
            return response.Content.ToMemory().IsEmpty ? null : JsonNode.Parse(response.Content.ToString()) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>ARM's error shape, <c>{"error":{"code","message"}}</c>.</summary>
    private static (string? Code, string? Message) ErrorDetail(Response response)
    {
        if (response.Status < 400 || ParseBody(response)?["error"] is not JsonObject error)
        {
            return (null, null);
        }
        return (Text(error["code"]), Text(error["message"]));
    }

    internal static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>A sign-in that failed on the way (no answer, throttled, Entra ID's own 5xx) rather than on the credential.</summary>
    private static bool IsTransient(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case HttpRequestException or System.Net.Sockets.SocketException or TimeoutException:
                case RequestFailedException { Status: 0 or 408 or 429 or >= 500 }:
                case Microsoft.Identity.Client.MsalServiceException { StatusCode: 408 or 429 or >= 500 }:
                    return true;
            }
        }
        return false;
    }

    private sealed class ArmClientOptions : ClientOptions;
}

/// <param name="Body">The JSON object answered, if any.</param>
/// <param name="RetryAfter">The wait ARM asked for, if it did.</param>
internal sealed record ArmResponse(int Status, JsonObject? Body, TimeSpan? RetryAfter, (string? Code, string? Message) Error)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}
