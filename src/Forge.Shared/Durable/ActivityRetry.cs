using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.DurableTask;

namespace Forge.Shared.Durable;

/// <summary>
/// The one retry rule for activities, evaluated inside the orchestrator (so it is replay-safe): a
/// <see cref="PermanentActivityException"/> (a refused key, a missing resource) fails at once; anything else —
/// a 429, a 5xx, a timeout, a lost worker — is retried with exponential backoff, waiting at least the
/// provider's Retry-After, on a durable timer.
/// </summary>
public sealed partial record ActivityRetry(int MaxAttempts, TimeSpan FirstDelay, TimeSpan MaxDelay)
{
    [GeneratedRegex(@"\(Retry-After ([0-9]+) s\)$", RegexOptions.NonBacktracking)]
    private static partial Regex RetryAfterPattern();

    private static Regex RetryAfterMarker => RetryAfterPattern();

    public static ActivityRetry Default { get; } = new(5, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5));

    public TaskOptions Options => TaskOptions.FromRetryHandler(ShouldRetryAsync);

    /// <summary>The wait before attempt <paramref name="lastAttempt"/> + 1: doubling from the first delay, capped.</summary>
    public TimeSpan Backoff(int lastAttempt)
    {
        var factor = Math.Pow(2, Math.Min(lastAttempt - 1, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(FirstDelay.Ticks * factor, MaxDelay.Ticks));
        return delay < FirstDelay ? FirstDelay : delay;
    }

    /// <summary>The Retry-After a failed activity carried (see <see cref="RetryAfterActivityException"/>), if any.</summary>
    public static TimeSpan? RetryAfterOf(TaskFailureDetails failure)
    {
        var match = RetryAfterMarker.Match(failure.ErrorMessage ?? "");
        return match.Success && double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }

    private async Task<bool> ShouldRetryAsync(RetryContext context)
    {
        if (context.LastFailure.IsCausedBy<PermanentActivityException>() || context.LastAttemptNumber >= MaxAttempts)
        {
            return false;
        }
        var wait = Backoff(context.LastAttemptNumber);
        if (RetryAfterOf(context.LastFailure) is { } retryAfter && retryAfter > wait)
        {
            wait = retryAfter > MaxDelay ? MaxDelay : retryAfter;
        }
        // Timers on Azure Storage ride on queue visibility in whole seconds, rounded down: one can fire up to a
        // second early, and one under a second fires at once. A second more keeps "no sooner than Retry-After".
        wait = TimeSpan.FromSeconds(Math.Ceiling(wait.TotalSeconds) + 1);
        await context.OrchestrationContext.CreateTimer(wait, context.CancellationToken);
        return true;
    }
}
