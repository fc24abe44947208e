using Forge.Shared.Durable;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Forge.Shared.Training.Together;

/// <summary>
/// Together's REST API as JSON objects: authentication, per-call timeouts, and the translation of failures into what
/// the engine does next (retry after the provider's wait, or fail the run with the provider's message and a hint).
/// </summary>
internal sealed class TogetherApi(HttpClient http, TogetherTrainingOptions options, TimeProvider timeProvider)
{
    private const string Provider = "together";

    private readonly string baseUrl = options.BaseUrl.TrimEnd('/');

    public Task<JsonObject> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Url(path)), RequestTimeout, cancellationToken)!;

    /// <summary>Null when the resource does not exist (404), for endpoints an older deployment may lack.</summary>
    public Task<JsonObject?> GetOrNullAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Url(path)), RequestTimeout, cancellationToken, notFoundIsNull: true);

    public Task<JsonObject> PostAsync(string path, JsonObject body, CancellationToken cancellationToken) =>
        SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, Url(path)) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") },
            RequestTimeout,
            cancellationToken)!;

    /// <summary><c>POST /files/upload</c>: the export as multipart form data with <c>purpose=fine-tune</c>.</summary>
    public async Task<JsonObject> UploadAsync(string fileName, TrainingData data, CancellationToken cancellationToken)
    {
        await using var stream = await data.OpenReadAsync(cancellationToken);
        var file = new StreamContent(stream);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var form = new MultipartFormDataContent
        {
            { new StringContent("fine-tune"), "purpose" },
            { new StringContent(fileName), "file_name" },
            { new StringContent("jsonl"), "file_type" },
            { file, "file", fileName },
        };
        // The stream is read once; a retry of this upload is the engine's, with a fresh stream.
        var request = new HttpRequestMessage(HttpMethod.Post, Url("files/upload")) { Content = form };
        return (await SendAsync(() => request, TimeSpan.FromSeconds(options.UploadTimeoutSeconds), cancellationToken))!;
    }

    private TimeSpan RequestTimeout => TimeSpan.FromSeconds(options.RequestTimeoutSeconds);

    private Uri Url(string path) => new($"{baseUrl}/{path}");

    private async Task<JsonObject?> SendAsync(
        Func<HttpRequestMessage> create, TimeSpan timeout, CancellationToken cancellationToken, bool notFoundIsNull = false)
    {
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            throw new PermanentActivityException($"together has no API key (set {TogetherTrainingOptions.SectionName}:ApiKey)");
        }
        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        using var request = create();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token);
            var text = await response.Content.ReadAsStringAsync(linked.Token);
            if (notFoundIsNull && response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
            if (!response.IsSuccessStatusCode)
            {
                throw Failure(request, response, text);
            }
            return Parse(request, text);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // The caller did not cancel, so our own timeout fired.
            throw new RetryableActivityException(
                $"{Provider} did not answer {Describe(request)} within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s", null, e);
        }
        catch (HttpRequestException e)
        {
            throw new RetryableActivityException($"{Provider} could not be reached for {Describe(request)}: {e.Message}", null, e);
        }
    }

    private Exception Failure(HttpRequestMessage request, HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        var detail = ErrorMessage(body);
        var message = $"{Provider} answered {status} to {Describe(request)}{(detail is null ? "" : $": {detail}")}";
        if (status is 408 or 429 || status >= 500)
        {
            return new RetryableActivityException(message, RetryAfter.From(response.Headers, timeProvider.GetUtcNow()));
        }
        var hint = status switch
        {
            401 or 403 => $" (check {TogetherTrainingOptions.SectionName}:ApiKey)",
            404 => $" (check that the base model or job exists, and {TogetherTrainingOptions.SectionName}:BaseUrl)",
            402 => " (check the Together account's credit)",
            _ => " (check the model's base model and the job's hyperparameters)",
        };
        return new PermanentActivityException(message + hint);
    }

    private static string Describe(HttpRequestMessage request) => $"{request.Method} {request.RequestUri?.AbsolutePath}";

    private static JsonObject Parse(HttpRequestMessage request, string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject
                ?? throw new RetryableActivityException($"{Provider} answered {Describe(request)} with JSON that is not an object");
        }
        catch (JsonException e)
        {
            // A proxy's HTML error page or a truncated answer: worth another try.
            throw new RetryableActivityException($"{Provider} answered {Describe(request)} with something that is not JSON", null, e);
        }
    }

    /// <summary>The provider's own words: <c>{"error":{"message"}}</c>, <c>{"error":"..."}</c> or <c>{"message"}</c>.</summary>
    private static string? ErrorMessage(string body)
    {
        JsonObject? json;
        try
        {
            json = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return string.IsNullOrWhiteSpace(body) ? null : Trim(body);
        }
        var text = json?["error"] switch
        {
            JsonObject error => TogetherJson.String(error, "message"),
            JsonValue plain when plain.GetValueKind() == JsonValueKind.String => plain.GetValue<string>(),
            _ => null,
        } ?? TogetherJson.String(json, "message");
        return text is null ? null : Trim(text);
    }

    private static string Trim(string text) => text.Length <= 500 ? text : text[..500] + "...";
}
