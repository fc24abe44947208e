using System.ComponentModel.DataAnnotations;

namespace Forge.Shared.Durable;

/// <summary><c>Forge:Durable:Retry</c>: the one retry rule's numbers (see <see cref="ActivityRetry"/>).</summary>
public sealed class ActivityRetryOptions
{
    public const string SectionName = "Forge:Durable:Retry";

    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The first wait; durable timers have whole-second resolution.</summary>
    [Range(1, 3600)]
    public int FirstDelaySeconds { get; set; } = 2;

    [Range(1, 86_400)]
    public int MaxDelaySeconds { get; set; } = 300;

    public ActivityRetry ToRetry() => new(MaxAttempts, TimeSpan.FromSeconds(FirstDelaySeconds), TimeSpan.FromSeconds(MaxDelaySeconds));
}
