using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Forge.Shared.Data;

public static class TrainingPairStatus
{
    public const string Pending = "PENDING";
    public const string Approved = "APPROVED";
    public const string Rejected = "REJECTED";

    public static IReadOnlyList<string> All { get; } = [Pending, Approved, Rejected];
}

/// <summary>
/// A video-script training pair (seed 000): prompts, attributes, and its hashtags, hook variants and scenes. It belongs to
/// <see cref="CreatedBy"/>: no other user sees or changes it.
/// </summary>
public sealed class TrainingPair
{
    public Guid Id { get; set; }
    public required string PairId { get; set; }
    public string? Topic { get; set; }
    public string? Category { get; set; }
    public int? DurationSeconds { get; set; }
    public int? Score { get; set; }
    public string? UserPrompt { get; set; }
    public string? SystemPrompt { get; set; }
    public string? TargetAudience { get; set; }
    public string? ContentStyle { get; set; }
    public string Status { get; set; } = TrainingPairStatus.Pending;
    public DateTime CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTime UpdatedAt { get; set; }
    public required string UpdatedBy { get; set; }
    public List<TrainingPairHashtag> Hashtags { get; set; } = [];
    public List<TrainingPairHookVariant> HookVariants { get; set; } = [];
    public List<TrainingPairScene> Scenes { get; set; } = [];
}

public sealed class TrainingPairHashtag
{
    public Guid Id { get; set; }
    public Guid TrainingPairId { get; set; }
    public required string Name { get; set; }
    /// <summary>Not in the seed's HashtagOut; keeps the hashtags in the order they were given.</summary>
    public int Position { get; set; }
    public DateTime CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTime UpdatedAt { get; set; }
    public required string UpdatedBy { get; set; }
}

/// <summary>A scene of the script; hook variants are the alternative opening scenes.</summary>
public abstract class TrainingPairScript
{
    public Guid Id { get; set; }
    public Guid TrainingPairId { get; set; }
    public int? SceneNumber { get; set; }
    public string? SceneType { get; set; }
    public string? Timestamp { get; set; }
    public string? TextOverlay { get; set; }
    public string? Voiceover { get; set; }
    public string? Visual { get; set; }
    public string? Tip { get; set; }
    public int? OrderIndex { get; set; }
    public DateTime CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTime UpdatedAt { get; set; }
    public required string UpdatedBy { get; set; }
}

public sealed class TrainingPairHookVariant : TrainingPairScript
{
    public int? HookVariant { get; set; }
}

public sealed class TrainingPairScene : TrainingPairScript;

internal sealed class TrainingPairConfiguration : IEntityTypeConfiguration<TrainingPair>
{
    public void Configure(EntityTypeBuilder<TrainingPair> builder)
    {
        builder.ToTable("training_pairs");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.PairId).HasMaxLength(200);
        builder.Property(p => p.Topic).HasMaxLength(500);
        builder.Property(p => p.Category).HasMaxLength(200);
        builder.Property(p => p.TargetAudience).HasMaxLength(500);
        builder.Property(p => p.ContentStyle).HasMaxLength(200);
        builder.Property(p => p.Status).HasMaxLength(20);
        builder.Property(p => p.CreatedBy).HasMaxLength(200);
        builder.Property(p => p.UpdatedBy).HasMaxLength(200);
        builder.HasMany(p => p.Hashtags).WithOne().HasForeignKey(h => h.TrainingPairId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(p => p.HookVariants).WithOne().HasForeignKey(h => h.TrainingPairId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(p => p.Scenes).WithOne().HasForeignKey(s => s.TrainingPairId).OnDelete(DeleteBehavior.Cascade);
        // A pair belongs to its creator: pair_id is unique per user, and every query is one user's.
        builder.HasIndex(p => new { p.CreatedBy, p.PairId }).IsUnique();
        // The queue: a user's newest first, optionally of one status; the export: a user's approved ones oldest first.
        builder.HasIndex(p => new { p.CreatedBy, p.Status, p.CreatedAt });
        builder.HasIndex(p => new { p.CreatedBy, p.CreatedAt });
    }
}

internal sealed class TrainingPairHashtagConfiguration : IEntityTypeConfiguration<TrainingPairHashtag>
{
    public void Configure(EntityTypeBuilder<TrainingPairHashtag> builder)
    {
        builder.ToTable("training_pair_hashtags");
        builder.HasKey(h => h.Id);
        builder.Property(h => h.Name).HasMaxLength(100);
        builder.Property(h => h.CreatedBy).HasMaxLength(200);
        builder.Property(h => h.UpdatedBy).HasMaxLength(200);
    }
}

internal sealed class TrainingPairHookVariantConfiguration : IEntityTypeConfiguration<TrainingPairHookVariant>
{
    public void Configure(EntityTypeBuilder<TrainingPairHookVariant> builder)
    {
        builder.ToTable("training_pair_hook_variants");
        TrainingPairScriptConfiguration.Configure(builder);
    }
}

internal sealed class TrainingPairSceneConfiguration : IEntityTypeConfiguration<TrainingPairScene>
{
    public void Configure(EntityTypeBuilder<TrainingPairScene> builder)
    {
        builder.ToTable("training_pair_scenes");
        TrainingPairScriptConfiguration.Configure(builder);
    }
}

internal static class TrainingPairScriptConfiguration
{
    public static void Configure<T>(EntityTypeBuilder<T> builder) where T : TrainingPairScript
    {
        builder.HasKey(s => s.Id);
        builder.Property(s => s.SceneType).HasMaxLength(100);
        builder.Property(s => s.Timestamp).HasMaxLength(50);
        builder.Property(s => s.CreatedBy).HasMaxLength(200);
        builder.Property(s => s.UpdatedBy).HasMaxLength(200);
    }
}
