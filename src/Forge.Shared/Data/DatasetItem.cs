using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Forge.Shared.Data;

public static class ReviewStatus
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
}

/// <summary>
/// One training item. (dataset, segment, variant) is unique: a retried batch, a restart or a second worker
/// finds the item instead of making it twice.
/// </summary>
public sealed class DatasetItem
{
    public Guid Id { get; set; }
    public Guid DatasetId { get; set; }
    public Guid SegmentId { get; set; }
    public Guid DocumentId { get; set; }
    public int Variant { get; set; }
    public Guid? GenerationRunId { get; set; }
    public Guid? TemplateId { get; set; }
    public required string Instruction { get; set; }
    public required string InputText { get; set; }
    public required string IdealResponse { get; set; }
    public string? BadResponse { get; set; }
    public string? Explanation { get; set; }
    public double QualityScore { get; set; }
    public JsonObject QualityFlags { get; set; } = [];
    public string ReviewStatus { get; set; } = Data.ReviewStatus.Pending;
    public required string Generator { get; set; }
    public string? Model { get; set; }
    public int PromptTokens { get; set; }
    public int CompletionTokens { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? ReviewedAt { get; set; }
}

/// <summary>A (segment, variant) a generation gave up on, with the reason counted on the dataset.</summary>
public sealed class DatasetItemSkip
{
    public Guid Id { get; set; }
    public Guid DatasetId { get; set; }
    public Guid SegmentId { get; set; }
    public int Variant { get; set; }
    public Guid GenerationRunId { get; set; }
    public required string Reason { get; set; }
    public string? Detail { get; set; }
    public int PromptTokens { get; set; }
    public int CompletionTokens { get; set; }
    public DateTime CreatedAt { get; set; }
}

public static class ReviewAction
{
    public const string Approve = "approve";
    public const string Reject = "reject";
    public const string Edit = "edit";
}

/// <summary>One review action on an item; the history is never rewritten.</summary>
public sealed class ItemReview
{
    public Guid Id { get; set; }
    public Guid DatasetItemId { get; set; }
    public Guid DatasetId { get; set; }
    public required string Action { get; set; }
    /// <summary>The authenticated caller; only on anonymous seed-001 access, the body's unverified <c>reviewer_id</c>.</summary>
    public string? ReviewerId { get; set; }

    /// <summary>A <c>reviewer_id</c> the body gave that is not the caller: kept as a label, never as the identity.</summary>
    public string? ReviewerLabel { get; set; }

    /// <summary><c>jwt</c> or <c>api_key</c>: how <see cref="ReviewerId"/> was authenticated; null when it was not.</summary>
    public string? AuthMethod { get; set; }

    public string? Justification { get; set; }
    public JsonObject? PreviousValues { get; set; }
    public JsonObject? NewValues { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class DatasetItemConfiguration : IEntityTypeConfiguration<DatasetItem>
{
    public void Configure(EntityTypeBuilder<DatasetItem> builder)
    {
        builder.ToTable("dataset_items");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.ReviewStatus).HasMaxLength(20);
        builder.Property(i => i.Generator).HasMaxLength(50);
        builder.Property(i => i.Model).HasMaxLength(200);
        builder.HasOne<Dataset>().WithMany().HasForeignKey(i => i.DatasetId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(i => new { i.DatasetId, i.SegmentId, i.Variant }).IsUnique();
        builder.HasIndex(i => new { i.DatasetId, i.ReviewStatus, i.CreatedAt });
        // Exports of every item and the near-duplicate pass read a dataset in creation order.
        builder.HasIndex(i => new { i.DatasetId, i.CreatedAt });
        builder.HasIndex(i => i.GenerationRunId);
    }
}

internal sealed class DatasetItemSkipConfiguration : IEntityTypeConfiguration<DatasetItemSkip>
{
    public void Configure(EntityTypeBuilder<DatasetItemSkip> builder)
    {
        builder.ToTable("dataset_item_skips");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Reason).HasMaxLength(50);
        builder.HasOne<Dataset>().WithMany().HasForeignKey(s => s.DatasetId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => new { s.DatasetId, s.SegmentId, s.Variant }).IsUnique();
        builder.HasIndex(s => s.GenerationRunId);
    }
}

internal sealed class ItemReviewConfiguration : IEntityTypeConfiguration<ItemReview>
{
    public void Configure(EntityTypeBuilder<ItemReview> builder)
    {
        builder.ToTable("item_reviews");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Action).HasMaxLength(20);
        builder.Property(r => r.ReviewerId).HasMaxLength(200);
        builder.Property(r => r.ReviewerLabel).HasMaxLength(100);
        builder.Property(r => r.AuthMethod).HasMaxLength(20);
        builder.HasOne<DatasetItem>().WithMany().HasForeignKey(r => r.DatasetItemId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.DatasetItemId, r.CreatedAt });
    }
}
