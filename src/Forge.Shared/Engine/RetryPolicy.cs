namespace Forge.Shared.Engine;

/// <summary>Exponential backoff with equal jitter, and a provider's Retry-After taken as the floor.</summary>
public sealed class RetryPolicy(EngineRetryOptions options)
{
    public int MaxAttempts => options.MaxAttempts;

    public TimeSpan NextDelay(int failedAttempt, TimeSpan? retryAfter, Random? random = null)
    {
        random ??= Random.Shared;
        if (retryAfter is { } floor && floor > TimeSpan.Zero)
        {
            // A little spread so that many items told "60 s" do not all return in the same millisecond.
            return floor + TimeSpan.FromMilliseconds(random.NextDouble() * Math.Min(1000, floor.TotalMilliseconds * 0.1));
        }
        var exponent = Math.Min(Math.Max(failedAttempt - 1, 0), 30);
        var ceiling = Math.Min(options.MaxDelayMs, options.InitialDelayMs * Math.Pow(2, exponent));
        var half = ceiling / 2;
        return TimeSpan.FromMilliseconds(half + random.NextDouble() * half);
    }
}
