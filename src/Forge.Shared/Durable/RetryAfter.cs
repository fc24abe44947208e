using System.Net;
using System.Net.Http.Headers;

namespace Forge.Shared.Durable;

/// <summary>Turns a provider's throttling or transient failure answer into a retry the engine schedules.</summary>
public static class RetryAfter
{
    /// <summary>The wait a response asks for: Retry-After as seconds or as an HTTP date; null when absent.</summary>
    public static TimeSpan? From(HttpResponseHeaders headers, DateTimeOffset now)
    {
        var retryAfter = headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }
        if (retryAfter?.Date is { } date)
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    /// <summary>
    /// Throws <see cref="RetryableActivityException"/> (honouring Retry-After) for 408, 429 and 5xx, and
    /// <see cref="PermanentActivityException"/> for other failures; returns for a success.
    /// </summary>
    public static void ThrowIfFailed(HttpResponseMessage response, string provider, DateTimeOffset now)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var status = (int)response.StatusCode;
        var message = $"{provider} answered {status} {response.ReasonPhrase}";
        if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || status >= 500)
        {
            throw new RetryableActivityException(message, From(response.Headers, now));
        }
        throw new PermanentActivityException(message);
    }
}
