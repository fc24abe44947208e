using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Forge.Shared.Engine;

public static class RunStatus
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Waiting = "waiting";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsTerminal(string status) => status is Completed or Failed or Cancelled;
}

public static class WorkItemStatus
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Completed = "completed";
    /// <summary>Out of attempts, or failed permanently; its run has failed.</summary>
    public const string Dead = "dead";
    public const string Cancelled = "cancelled";
}

/// <summary>One orchestration instance.</summary>
public sealed class EngineRun
{
    public Guid Id { get; set; }
    public required string Type { get; set; }
    /// <summary>What the run works on, e.g. <c>document:{id}</c>.</summary>
    public string? Subject { get; set; }
    public string Status { get; set; } = RunStatus.Pending;
    public string? CurrentStep { get; set; }
    public int ProgressDone { get; set; }
    public int ProgressTotal { get; set; }
    /// <summary>Free-form JSON owned by the orchestration.</summary>
    public string State { get; set; } = "{}";
    public string? Error { get; set; }
    public bool CancelRequested { get; set; }
    /// <summary>Work items scheduled and not yet finished; the run ends when it reaches zero.</summary>
    public int Outstanding { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
}

/// <summary>One activity execution to perform, at least once, by any worker.</summary>
public sealed class EngineWorkItem
{
    public Guid Id { get; set; }
    public Guid RunId { get; set; }
    public required string Activity { get; set; }
    public string Payload { get; set; } = "null";
    public string Status { get; set; } = WorkItemStatus.Pending;
    public int Attempts { get; set; }
    public int MaxAttempts { get; set; }
    public DateTime AvailableAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseExpiresAt { get; set; }
    /// <summary>Unique: scheduling the same step twice (a retried parent, a race) inserts it once.</summary>
    public required string IdempotencyKey { get; set; }
    /// <summary>The fan-in this item counts towards, if any.</summary>
    public Guid? JoinId { get; set; }
    public string? LastError { get; set; }
    /// <summary>JSON array of <c>{attempt, at, error}</c>, one per failed attempt.</summary>
    public string Errors { get; set; } = "[]";
    public DateTime CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
}

/// <summary>A fan-in: when <see cref="Remaining"/> reaches zero its continuation is scheduled.</summary>
public sealed class EngineJoin
{
    public Guid Id { get; set; }
    public Guid RunId { get; set; }
    public int Total { get; set; }
    public int Remaining { get; set; }
    public required string ContinuationActivity { get; set; }
    public string ContinuationPayload { get; set; } = "null";
    public required string ContinuationKey { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class EngineRunConfiguration : IEntityTypeConfiguration<EngineRun>
{
    public void Configure(EntityTypeBuilder<EngineRun> builder)
    {
        builder.ToTable("engine_runs");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Type).HasMaxLength(200);
        builder.Property(r => r.Subject).HasMaxLength(400);
        builder.Property(r => r.Status).HasMaxLength(20);
        builder.Property(r => r.CurrentStep).HasMaxLength(200);
        builder.HasIndex(r => new { r.Type, r.Subject });
        builder.HasIndex(r => r.Status);
    }
}

internal sealed class EngineWorkItemConfiguration : IEntityTypeConfiguration<EngineWorkItem>
{
    public void Configure(EntityTypeBuilder<EngineWorkItem> builder)
    {
        builder.ToTable("engine_work_items");
        builder.HasKey(w => w.Id);
        builder.Property(w => w.Activity).HasMaxLength(200);
        builder.Property(w => w.Status).HasMaxLength(20);
        builder.Property(w => w.LeaseOwner).HasMaxLength(200);
        builder.Property(w => w.IdempotencyKey).HasMaxLength(600);
        builder.HasIndex(w => w.IdempotencyKey).IsUnique();
        builder.HasIndex(w => new { w.Status, w.AvailableAt });
        builder.HasIndex(w => new { w.Status, w.LeaseExpiresAt });
        builder.HasIndex(w => new { w.RunId, w.Status });
    }
}

internal sealed class EngineJoinConfiguration : IEntityTypeConfiguration<EngineJoin>
{
    public void Configure(EntityTypeBuilder<EngineJoin> builder)
    {
        builder.ToTable("engine_joins");
        builder.HasKey(j => j.Id);
        builder.Property(j => j.ContinuationActivity).HasMaxLength(200);
        builder.Property(j => j.ContinuationKey).HasMaxLength(600);
        builder.HasIndex(j => j.RunId);
    }
}
