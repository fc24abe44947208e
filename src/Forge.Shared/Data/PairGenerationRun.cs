using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Forge.Shared.Data;

/// <summary>The statuses of <c>GET /api/v1/training/generate/{run_id}</c>, as the engine's runs spelled them.</summary>
public static class PairGenerationStatus
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";

    public static bool IsTerminal(string status) => status is Completed or Failed;
}

/// <summary>
/// One <c>POST /api/v1/training/generate</c>: the user-visible progress of its TrainingPairGeneration orchestration
/// (instance <c>training-pairs-generate-{id}</c>). <see cref="Plan"/> is the orchestration's input, kept so a start that
/// was recorded but never scheduled can be started again.
/// </summary>
public sealed class PairGenerationRun
{
    public Guid Id { get; set; }
    public required string UserId { get; set; }
    public required string Provider { get; set; }
    public int Topics { get; set; }
    public required string Plan { get; set; }
    public string Status { get; set; } = PairGenerationStatus.Pending;
    public string? Error { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class PairGenerationRunConfiguration : IEntityTypeConfiguration<PairGenerationRun>
{
    public void Configure(EntityTypeBuilder<PairGenerationRun> builder)
    {
        builder.ToTable("pair_generation_runs");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.UserId).HasMaxLength(200);
        builder.Property(r => r.Provider).HasMaxLength(50);
        builder.Property(r => r.Status).HasMaxLength(20);
        builder.HasIndex(r => r.Status);
    }
}
