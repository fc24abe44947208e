namespace Forge.Shared.Durable;

/// <summary>
/// A failure worth another attempt, optionally no sooner than <see cref="RetryAfter"/> (a provider's
/// Retry-After). Any other exception is retried with exponential backoff as well.
/// </summary>
public class RetryableActivityException(string message, TimeSpan? retryAfter = null, Exception? innerException = null)
    : Exception(message, innerException)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>A failure no retry can fix (bad input, a missing resource): the item dies and its run fails at once.</summary>
public class PermanentActivityException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>
/// A <see cref="RetryableActivityException"/> as it crosses the activity boundary: the backend keeps only a
/// failure's type name and message (DurableTask.Core drops exception properties here), so the Retry-After rides
/// in the message, in one fixed form that <see cref="ActivityRetry"/> reads back.
/// </summary>
public sealed class RetryAfterActivityException(RetryableActivityException inner)
    : RetryableActivityException($"{inner.Message} (Retry-After {Seconds(inner)} s)", inner.RetryAfter, inner)
{
    private static string Seconds(RetryableActivityException e) =>
        Math.Ceiling(e.RetryAfter?.TotalSeconds ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
