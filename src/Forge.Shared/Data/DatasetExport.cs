using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Forge.Shared.Data;

public static class ExportStatus
{
    public const string Pending = "pending";
    public const string Processing = "processing";
    public const string Completed = "completed";
    public const string Failed = "failed";
}

/// <summary>One versioned export file of a dataset, with its manifest beside it.</summary>
public sealed class DatasetExport
{
    public Guid Id { get; set; }
    public Guid DatasetId { get; set; }
    public int ExportVersion { get; set; }
    public required string Format { get; set; }
    public required string Schema { get; set; }
    /// <summary>The blob key (the seed's name for it): <c>exports/{dataset_id}/v{n}/dataset.{ext}</c>.</summary>
    public required string S3Key { get; set; }
    public required string ManifestKey { get; set; }
    public string Status { get; set; } = ExportStatus.Pending;
    public bool ApprovedOnly { get; set; } = true;
    public double? MinQualityScore { get; set; }
    public JsonObject FiltersApplied { get; set; } = [];
    public int ItemCount { get; set; }
    public int SkippedCount { get; set; }
    public long? FileBytes { get; set; }
    public string? FileSha256 { get; set; }
    /// <summary><c>request</c>, or <c>auto</c> when the last pending item's review started it.</summary>
    public required string Trigger { get; set; }
    public string? Error { get; set; }
    /// <summary><c>csv_formula_escape</c> as asked; null (rows from before it was kept) reads as the default, on.</summary>
    public bool? CsvFormulaEscape { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
}

internal sealed class DatasetExportConfiguration : IEntityTypeConfiguration<DatasetExport>
{
    public void Configure(EntityTypeBuilder<DatasetExport> builder)
    {
        builder.ToTable("dataset_exports");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Format).HasMaxLength(10);
        builder.Property(e => e.Schema).HasMaxLength(10);
        builder.Property(e => e.S3Key).HasMaxLength(1024);
        builder.Property(e => e.ManifestKey).HasMaxLength(1024);
        builder.Property(e => e.Status).HasMaxLength(20);
        builder.Property(e => e.Trigger).HasMaxLength(10);
        builder.Property(e => e.FileSha256).HasMaxLength(64);
        builder.HasOne<Dataset>().WithMany().HasForeignKey(e => e.DatasetId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(e => new { e.DatasetId, e.ExportVersion }).IsUnique();
    }
}
