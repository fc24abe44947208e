using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Forge.Tests.Infrastructure;

/// <summary>How a fake training provider fails one request; <see cref="AfterHandling"/> acts on the request first, then fails the answer.</summary>
public sealed record FakeTrainingFailure(int Status, string Message, string Code = "server_error")
{
    public int? RetryAfterSeconds { get; init; }

    public bool Abort { get; init; }

    public bool AfterHandling { get; init; }

    public static FakeTrainingFailure RateLimited(int retryAfterSeconds) =>
        new(429, "You have exceeded the rate limit of 60 requests per minute", "rate_limit_exceeded") { RetryAfterSeconds = retryAfterSeconds };

    public static FakeTrainingFailure ServerError() => new(500, "Internal server error");

    public static FakeTrainingFailure BadRequest(string message) => new(400, message, "invalid_request_error");

    /// <summary>The server does what was asked, then the connection drops: the caller never learns the outcome.</summary>
    public static FakeTrainingFailure LostAnswer() => new(0, "") { Abort = true, AfterHandling = true };
}

/// <summary>
/// The failures a fake training provider was told to give, queued per route, and how it gives them:
/// <paramref name="error"/> builds the provider's error body from a message and a code.
/// </summary>
public sealed class FakeTrainingFailures(Func<string, string, JsonObject> error)
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<FakeTrainingFailure>> queues = new();

    public void Add(string route, FakeTrainingFailure failure) => queues.GetOrAdd(route, _ => new()).Enqueue(failure);

    /// <summary>
    /// Answers with what <paramref name="handle"/> returns, unless the route has a failure queued: that one answers instead,
    /// before the request is handled, or after it for <see cref="FakeTrainingFailure.AfterHandling"/>.
    /// </summary>
    public async Task RespondAsync(HttpContext context, string route, Func<(int Status, JsonObject Body)> handle)
    {
        var failure = queues.TryGetValue(route, out var queue) && queue.TryDequeue(out var next) ? next : null;
        if (failure is { AfterHandling: false })
        {
            await FailAsync(context, failure);
            return;
        }
        var (status, body) = handle();
        if (failure is not null)
        {
            await FailAsync(context, failure);
            return;
        }
        await FakeHttpHost.WriteJsonAsync(context, status, body);
    }

    private async Task FailAsync(HttpContext context, FakeTrainingFailure failure)
    {
        if (failure.Abort)
        {
            // The connection drops before any answer, as when a proxy or the network fails after the server acted.
            context.Abort();
            return;
        }
        if (failure.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }
        await FakeHttpHost.WriteJsonAsync(context, failure.Status, error(failure.Message, failure.Code));
    }
}
