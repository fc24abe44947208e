namespace Forge.Shared.Engine;

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
