using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Forge.Shared.Data;

public static class ModelStatus
{
    public const string Registered = "registered";
    public const string Training = "training";
    public const string Deployed = "deployed";
    public const string Archived = "archived";
}

/// <summary>A registered model; its status follows its training jobs, and a trained one keeps the provider's model id in <c>config</c>.</summary>
public sealed class TrainingModel
{
    public Guid Id { get; set; }
    public Guid? DomainId { get; set; }
    public required string Name { get; set; }
    public required string BaseModel { get; set; }
    public required string Provider { get; set; }
    public string? ModelFamily { get; set; }
    public string? Version { get; set; }
    public string Status { get; set; } = ModelStatus.Registered;
    public JsonObject Config { get; set; } = [];
    public JsonObject Capabilities { get; set; } = [];
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public static class TrainingJobStatus
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsTerminal(string status) => status is Completed or Failed or Cancelled;
}

/// <summary>One training of a model on one dataset export, run by the TrainingLifecycle orchestration.</summary>
public sealed class TrainingJob
{
    public Guid Id { get; set; }
    public Guid ModelId { get; set; }
    public Guid DatasetId { get; set; }
    public Guid DatasetExportId { get; set; }
    public string Status { get; set; } = TrainingJobStatus.Pending;
    public required string Provider { get; set; }
    public string? ExternalJobId { get; set; }
    public JsonObject Hyperparameters { get; set; } = [];
    public JsonObject Metrics { get; set; } = [];
    public string? ErrorMessage { get; set; }
    /// <summary>What the provider needs to find its job again (uploaded file ids, a process id, event cursors).</summary>
    public JsonObject ProviderState { get; set; } = [];
    public bool CancelRequested { get; set; }
    /// <summary>When the provider was asked to stop the job; the lifecycle asks once.</summary>
    public DateTime? CancelSentAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>What happened to a job: its status changes, the provider's messages and metric points.</summary>
public sealed class TrainingJobEvent
{
    public Guid Id { get; set; }
    public Guid JobId { get; set; }
    /// <summary>The provider's event id (or Forge's own for status changes): a repeated poll records an event once.</summary>
    public required string ExternalId { get; set; }
    public required string Kind { get; set; }
    public required string Message { get; set; }
    public JsonObject? Data { get; set; }
    public DateTime At { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class TrainingModelConfiguration : IEntityTypeConfiguration<TrainingModel>
{
    public void Configure(EntityTypeBuilder<TrainingModel> builder)
    {
        builder.ToTable("models");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Name).HasMaxLength(200);
        builder.Property(m => m.BaseModel).HasMaxLength(200);
        builder.Property(m => m.Provider).HasMaxLength(50);
        builder.Property(m => m.ModelFamily).HasMaxLength(100);
        builder.Property(m => m.Version).HasMaxLength(100);
        builder.Property(m => m.Status).HasMaxLength(20);
        builder.HasOne<Domain>().WithMany().HasForeignKey(m => m.DomainId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(m => m.Name).IsUnique();
    }
}

internal sealed class TrainingJobConfiguration : IEntityTypeConfiguration<TrainingJob>
{
    public void Configure(EntityTypeBuilder<TrainingJob> builder)
    {
        builder.ToTable("training_jobs");
        builder.HasKey(j => j.Id);
        builder.Property(j => j.Status).HasMaxLength(20);
        builder.Property(j => j.Provider).HasMaxLength(50);
        builder.Property(j => j.ExternalJobId).HasMaxLength(300);
        builder.HasOne<TrainingModel>().WithMany().HasForeignKey(j => j.ModelId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Dataset>().WithMany().HasForeignKey(j => j.DatasetId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<DatasetExport>().WithMany().HasForeignKey(j => j.DatasetExportId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(j => new { j.ModelId, j.CreatedAt });
        builder.HasIndex(j => j.Status);
    }
}

internal sealed class TrainingJobEventConfiguration : IEntityTypeConfiguration<TrainingJobEvent>
{
    public void Configure(EntityTypeBuilder<TrainingJobEvent> builder)
    {
        builder.ToTable("training_job_events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.ExternalId).HasMaxLength(300);
        builder.Property(e => e.Kind).HasMaxLength(20);
        builder.HasOne<TrainingJob>().WithMany().HasForeignKey(e => e.JobId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(e => new { e.JobId, e.ExternalId }).IsUnique();
        builder.HasIndex(e => new { e.JobId, e.At });
    }
}
