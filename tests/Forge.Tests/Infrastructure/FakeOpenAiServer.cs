using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Forge.Tests.Infrastructure;

/// <summary>
/// An in-process server speaking the OpenAI Chat Completions protocol (<c>POST /v1/chat/completions</c>), scripted per
/// request with <see cref="FakeChatReply"/>s. It records every request and the most requests it served at once.
/// No test-framework dependencies: the generation benchmark links it too.
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<FakeChatReply> script = new();
    private readonly ConcurrentQueue<FakeChatRequest> requests = new();
    private readonly CancellationTokenSource stopping = new();
    private int inFlight;
    private int maxInFlight;
    private long ids;
    private FakeHttpHost host = null!;

    private FakeOpenAiServer()
    {
    }

    /// <summary>The API root to configure as a provider's BaseUrl: <c>http://127.0.0.1:PORT/v1</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Added to every reply before it is written, as a remote model's thinking time.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>The reply once the script is used up.</summary>
    public FakeChatReply Default { get; set; } = FakeChatReply.Ok();

    /// <summary>
    /// Added to the requested model in the answer, as real providers answer with the dated snapshot that ran
    /// (<c>gpt-4o-mini</c> comes back as <c>gpt-4o-mini-2024-07-18</c>).
    /// </summary>
    public string ModelSuffix { get; set; } = "-2024-07-18";

    public IReadOnlyList<FakeChatRequest> Requests => [.. requests];

    public int MaxConcurrentRequests => Volatile.Read(ref maxInFlight);

    /// <param name="port">0 for any free port (tests); a fixed one for trying Forge by hand.</param>
    public static async Task<FakeOpenAiServer> StartAsync(int port = 0)
    {
        var server = new FakeOpenAiServer();
        server.host = await FakeHttpHost.StartAsync(server.HandleAsync, port);
        server.BaseUrl = server.host.Under("/v1");
        return server;
    }

    /// <summary>Replies for the next requests, in order of arrival.</summary>
    public void Enqueue(params FakeChatReply[] replies)
    {
        foreach (var reply in replies)
        {
            script.Enqueue(reply);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await host.DisposeAsync();
        stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var now = Interlocked.Increment(ref inFlight);
        for (var max = Volatile.Read(ref maxInFlight); now > max; max = Volatile.Read(ref maxInFlight))
        {
            if (Interlocked.CompareExchange(ref maxInFlight, now, max) == max)
            {
                break;
            }
        }
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping.Token);
        try
        {
            await RespondAsync(context, aborted.Token);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client gave up (a timeout test) or the server is stopping.
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    private async Task RespondAsync(HttpContext context, CancellationToken cancellationToken)
    {
        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: cancellationToken) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            body = null;
        }
        if (body is null)
        {
            await WriteAsync(context, 400, Error("We could not parse the JSON body of your request.", "invalid_request_error", null), cancellationToken);
            return;
        }
        var request = new FakeChatRequest(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            body,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase));
        requests.Enqueue(request);

        if (!HttpMethods.IsPost(request.Method) || request.Path != "/v1/chat/completions")
        {
            await WriteAsync(context, 404, Error($"Unknown request URL: {request.Method} {request.Path}.", "invalid_request_error", "unknown_url"), cancellationToken);
            return;
        }
        var reply = script.TryDequeue(out var next) ? next : Default;
        await Task.Delay(Latency + reply.Delay, cancellationToken);

        if (reply.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        foreach (var (name, value) in reply.Headers)
        {
            context.Response.Headers[name] = value;
        }
        if (reply.Status != 200)
        {
            await WriteAsync(context, reply.Status, Error(reply.ErrorMessage ?? "error", reply.ErrorType ?? "server_error", reply.ErrorCode), cancellationToken);
            return;
        }
        var model = request.Model ?? "unknown";
        var content = reply.Content?.Invoke(request) ?? FakeChatReply.ItemFor(request);
        var promptTokens = reply.PromptTokens ?? Tokens(request.SystemMessage) + Tokens(request.UserMessage);
        var completionTokens = reply.CompletionTokens ?? Tokens(content);
        var response = new JsonObject
        {
            ["id"] = $"chatcmpl-fake{Interlocked.Increment(ref ids)}",
            ["object"] = "chat.completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = model + ModelSuffix,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content, ["refusal"] = null },
                ["logprobs"] = null,
                ["finish_reason"] = reply.FinishReason,
            }),
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = promptTokens,
                ["completion_tokens"] = completionTokens,
                ["total_tokens"] = promptTokens + completionTokens,
            },
            ["system_fingerprint"] = "fp_fake",
        };
        await WriteAsync(context, 200, response, cancellationToken);
    }

    private static JsonObject Error(string message, string type, string? code) =>
        new() { ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = code } };

    private static Task WriteAsync(HttpContext context, int status, JsonObject body, CancellationToken cancellationToken) =>
        FakeHttpHost.WriteJsonAsync(context, status, body, cancellationToken);

    // Roughly four characters a token, as OpenAI's rule of thumb; tests only need stable, non-zero counts.
    private static int Tokens(string? text) => text is null ? 0 : Math.Max(1, text.Length / 4);
}

/// <summary>One request as the fake server received it.</summary>
public sealed record FakeChatRequest(string Method, string Path, JsonObject Body, IReadOnlyDictionary<string, string> Headers)
{
    public string? Model => Body["model"]?.GetValue<string>();

    public string? Authorization => Headers.GetValueOrDefault("Authorization");

    public string? SystemMessage => Message("system") ?? Message("developer");

    public string? UserMessage => Message("user");

    /// <summary>The text of the first message with <paramref name="role"/>; content may be a string or an array of text parts.</summary>
    public string? Message(string role)
    {
        var message = (Body["messages"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(m => m["role"]?.GetValue<string>() == role);
        return message?["content"] switch
        {
            JsonValue text => text.GetValue<string>(),
            JsonArray parts => string.Concat(parts.OfType<JsonObject>().Select(p => p["text"]?.GetValue<string>())),
            _ => null,
        };
    }
}

/// <summary>What the fake server answers to one request.</summary>
public sealed record FakeChatReply
{
    public int Status { get; init; } = 200;

    /// <summary>The assistant message content; null builds an item from the request (see <see cref="ItemFor"/>).</summary>
    public Func<FakeChatRequest, string>? Content { get; init; }

    /// <summary>OpenAI sends stop, length, content_filter...; compatible servers sometimes send others, or null.</summary>
    public string? FinishReason { get; init; } = "stop";

    public TimeSpan Delay { get; init; }

    public int? RetryAfterSeconds { get; init; }

    /// <summary>More response headers, such as OpenAI's <c>retry-after-ms</c> or a Retry-After date.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Usage to report instead of the length-based estimate.</summary>
    public int? PromptTokens { get; init; }

    public int? CompletionTokens { get; init; }

    public string? ErrorMessage { get; init; }

    public string? ErrorType { get; init; }

    public string? ErrorCode { get; init; }

    /// <summary>A well-formed item whose <c>input_text</c> is the request's user message, so tests see what reached the model.</summary>
    public static FakeChatReply Ok() => new();

    public static FakeChatReply WithContent(string content) => new() { Content = _ => content };

    public static FakeChatReply Slow(TimeSpan delay) => new() { Delay = delay };

    public static FakeChatReply RateLimited(int retryAfterSeconds) => new()
    {
        Status = 429, RetryAfterSeconds = retryAfterSeconds, ErrorType = "requests",
        ErrorCode = "rate_limit_exceeded", ErrorMessage = "Rate limit reached for requests. Please try again later.",
    };

    public static FakeChatReply ServerError() => new()
    {
        Status = 500, ErrorType = "server_error", ErrorMessage = "The server had an error while processing your request.",
    };

    public static FakeChatReply Unauthorized() => new()
    {
        Status = 401, ErrorType = "invalid_request_error", ErrorCode = "invalid_api_key",
        ErrorMessage = "Incorrect API key provided: sk-wrong. You can find your API key at https://platform.openai.com/account/api-keys.",
    };

    public static FakeChatReply Error(int status, string message, string type = "invalid_request_error", string? code = null) =>
        new() { Status = status, ErrorMessage = message, ErrorType = type, ErrorCode = code };

    /// <summary>An item cut off mid-JSON at the token limit.</summary>
    public static FakeChatReply Truncated() => new()
    {
        FinishReason = "length",
        Content = request => ItemFor(request)[..(ItemFor(request).Length / 2)],
    };

    public static FakeChatReply NotJson() =>
        WithContent("Sure! Here is a question about the text: what is the delivery time? The answer is five business days.");

    public static string ItemFor(FakeChatRequest request) => new JsonObject
    {
        ["instruction"] = "Answer the question using the text.",
        ["input_text"] = request.UserMessage ?? "",
        ["ideal_response"] = "A grounded answer from the fake model.",
        ["bad_response"] = "An unhelpful answer.",
        ["explanation"] = "The ideal response uses the text.",
    }.ToJsonString();
}
