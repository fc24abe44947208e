using System.ComponentModel.DataAnnotations;

namespace Forge.Shared.Engine;

/// <summary>Engine settings; host.json's <c>engine</c> section lands here as <c>Forge:Engine</c>.</summary>
public sealed class EngineOptions
{
    public const string SectionName = "Forge:Engine";

    /// <summary>Activities one worker runs at once.</summary>
    [Range(1, 512)]
    public int Concurrency { get; set; } = 8;

    /// <summary>How long a claimed item stays leased without renewal before another worker may take it.</summary>
    [Range(1, 3600)]
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>The fallback poll when no wake-up signal arrives.</summary>
    [Range(10, 60_000)]
    public int PollIntervalMs { get; set; } = 1000;

    /// <summary>Identifies this worker in leases; defaults to host, process id and a random suffix.</summary>
    public string? WorkerId { get; set; }

    /// <summary>How often running items' leases are renewed; defaults to a third of the lease.</summary>
    [Range(10, 3_600_000)]
    public int? RenewIntervalMs { get; set; }

    /// <summary>
    /// How many times a worker may die holding an item (its lease expired, nothing recorded) before the item
    /// is given up and its run failed: a poison input would otherwise kill a worker on every retry.
    /// </summary>
    [Range(1, 100)]
    public int MaxAbandonedAttempts { get; set; } = 2;

    public EngineRetryOptions Retry { get; set; } = new();

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);
    public TimeSpan RenewInterval => RenewIntervalMs is { } ms ? TimeSpan.FromMilliseconds(ms) : Lease / 3;
    public TimeSpan PollInterval => TimeSpan.FromMilliseconds(PollIntervalMs);
}

public sealed class EngineRetryOptions
{
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    [Range(0, 3_600_000)]
    public int InitialDelayMs { get; set; } = 1000;

    [Range(0, 86_400_000)]
    public int MaxDelayMs { get; set; } = 300_000;
}
