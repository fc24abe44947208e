using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Forge.Shared.Data;

public static class IngestedBlobStatus
{
    public const string Ingested = "ingested";
    public const string Rejected = "rejected";
}

/// <summary>
/// A blob dropped under <c>incoming/</c> that has been handled, once per version (key and ETag): the unique
/// index is what makes ingestion exactly-once across scans, restarts and concurrent workers.
/// </summary>
public sealed class IngestedBlob
{
    public Guid Id { get; set; }
    public required string BlobKey { get; set; }
    public required string ETag { get; set; }
    public string Status { get; set; } = IngestedBlobStatus.Ingested;
    public string? Reason { get; set; }
    public Guid? DocumentId { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class IngestedBlobConfiguration : IEntityTypeConfiguration<IngestedBlob>
{
    public void Configure(EntityTypeBuilder<IngestedBlob> builder)
    {
        builder.ToTable("ingested_blobs");
        builder.HasKey(b => b.Id);
        builder.Property(b => b.BlobKey).HasMaxLength(1024);
        builder.Property(b => b.ETag).HasMaxLength(200);
        builder.Property(b => b.Status).HasMaxLength(20);
        builder.HasIndex(b => new { b.BlobKey, b.ETag }).IsUnique();
    }
}
