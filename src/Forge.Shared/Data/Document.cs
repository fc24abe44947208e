using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Forge.Shared.Data;

public static class DocumentStatus
{
    public const string Uploaded = "uploaded";
    public const string Processing = "processing";
    public const string Processed = "processed";
    public const string Failed = "failed";
}

/// <summary>An uploaded file of a domain; its text is segmented once per <see cref="DocumentVersion"/>.</summary>
public sealed class Document
{
    public Guid Id { get; set; }
    public Guid DomainId { get; set; }
    public string? UseCase { get; set; }
    /// <summary>The sanitized name the blob is stored under.</summary>
    public required string Filename { get; set; }
    public required string OriginalFilename { get; set; }
    /// <summary>The blob key (the seed's name for it): <c>documents/{domain_id}/{document_id}/{filename}</c>.</summary>
    public required string S3Key { get; set; }
    public required string ContentType { get; set; }
    /// <summary>
    /// <c>pdf</c>, <c>docx</c> or <c>txt</c> as detected at upload; processing reads this, never the name (a name
    /// like <c>.txt</c> loses its extension when sanitized). Null only for rows older than the column.
    /// </summary>
    public string? Format { get; set; }
    public long FileSize { get; set; }
    public string Status { get; set; } = DocumentStatus.Uploaded;
    /// <summary>Free-form; <c>error</c> holds the reason when processing failed.</summary>
    public JsonObject Metadata { get; set; } = [];
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>One processing of a document: the segmentation settings used and the segments it produced.</summary>
public sealed class DocumentVersion
{
    public Guid Id { get; set; }
    public Guid DocumentId { get; set; }
    public int Number { get; set; }
    public required string SegmentType { get; set; }
    public JsonObject SegmentConfig { get; set; } = [];
    public string Status { get; set; } = DocumentStatus.Processing;
    public string? Error { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    /// <summary>
    /// Processing steps of this version that started and never ended (their worker died mid-step): past the retry
    /// rule's attempts the version fails instead of killing workers forever.
    /// </summary>
    public int UnfinishedAttempts { get; set; }
}

public sealed class Segment
{
    public Guid Id { get; set; }
    public Guid DomainId { get; set; }
    public Guid DocumentId { get; set; }
    public Guid DocumentVersionId { get; set; }
    public string? UseCase { get; set; }
    public required string SegmentType { get; set; }
    public required string Content { get; set; }
    /// <summary>Order within the version, from 0.</summary>
    public int Position { get; set; }
    public JsonObject Metadata { get; set; } = [];
    public DateTime CreatedAt { get; set; }
}

internal sealed class DocumentConfiguration : IEntityTypeConfiguration<Document>
{
    public void Configure(EntityTypeBuilder<Document> builder)
    {
        builder.ToTable("documents");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.UseCase).HasMaxLength(100);
        builder.Property(d => d.Filename).HasMaxLength(255);
        builder.Property(d => d.OriginalFilename).HasMaxLength(1024);
        builder.Property(d => d.S3Key).HasMaxLength(1024);
        builder.Property(d => d.ContentType).HasMaxLength(200);
        builder.Property(d => d.Format).HasMaxLength(10);
        builder.Property(d => d.Status).HasMaxLength(20);
        builder.HasOne<Domain>().WithMany().HasForeignKey(d => d.DomainId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(d => new { d.DomainId, d.CreatedAt });
    }
}

internal sealed class DocumentVersionConfiguration : IEntityTypeConfiguration<DocumentVersion>
{
    public void Configure(EntityTypeBuilder<DocumentVersion> builder)
    {
        builder.ToTable("document_versions");
        builder.HasKey(v => v.Id);
        builder.Property(v => v.SegmentType).HasMaxLength(50);
        builder.Property(v => v.Status).HasMaxLength(20);
        builder.Property(v => v.UnfinishedAttempts).HasDefaultValue(0);
        builder.HasOne<Document>().WithMany().HasForeignKey(v => v.DocumentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(v => new { v.DocumentId, v.Number }).IsUnique();
    }
}

internal sealed class SegmentConfiguration : IEntityTypeConfiguration<Segment>
{
    public void Configure(EntityTypeBuilder<Segment> builder)
    {
        builder.ToTable("segments");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.UseCase).HasMaxLength(100);
        builder.Property(s => s.SegmentType).HasMaxLength(50);
        builder.HasOne<DocumentVersion>().WithMany().HasForeignKey(s => s.DocumentVersionId).OnDelete(DeleteBehavior.Cascade);
        // A retried segmentation activity finds its rows by (version, position) instead of writing them twice.
        builder.HasIndex(s => new { s.DocumentVersionId, s.Position }).IsUnique();
        builder.HasIndex(s => new { s.DomainId, s.SegmentType });
        builder.HasIndex(s => s.DocumentId);
    }
}
