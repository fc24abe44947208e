using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Forge.Shared.Data;

public static class DatasetStatus
{
    public const string Draft = "draft";
    public const string Generating = "generating";
    public const string Ready = "ready";
    public const string Archived = "archived";
}

/// <summary>
/// Training items generated from a domain's segments. Its item counts are not stored: they are counted from
/// the items when read, so they cannot drift from them.
/// </summary>
public sealed class Dataset
{
    public Guid Id { get; set; }
    public Guid DomainId { get; set; }
    public Guid? TemplateId { get; set; }
    public string? UseCase { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public required string Provider { get; set; }
    public string? TargetModelFamily { get; set; }
    public string Status { get; set; } = DatasetStatus.Draft;
    public int Version { get; set; } = 1;
    public JsonObject GenerationConfig { get; set; } = [];
    public JsonObject SegmentFilter { get; set; } = [];
    /// <summary>Export settings for the automatic export when the last pending item is reviewed; null when off.</summary>
    public JsonObject? AutoExport { get; set; }
    /// <summary>The latest generation's own id (the API's <c>run_id</c>), carried by its items and skips.</summary>
    public Guid? GenerationRunId { get; set; }
    /// <summary>How many generations were started: the latest one's orchestration is <c>datasets-generate-{id}-{n}</c>.</summary>
    public int GenerationNumber { get; set; }
    /// <summary>What the latest generation was asked for (segments, max items, batch size), so a lost start can be made again.</summary>
    public JsonObject? GenerationRequest { get; set; }
    /// <summary>Set by a cancel: running batches stop at it and nothing more is started.</summary>
    public DateTime? GenerationCancelRequestedAt { get; set; }
    /// <summary>Items the latest generation set out to make (keys that already had an item are not counted).</summary>
    public int GenerationPlanned { get; set; }
    /// <summary>The generator used (<c>extractive</c>, <c>openai</c> ...) and why, when it is not the provider asked for.</summary>
    public string? Generator { get; set; }
    public string? GeneratorNote { get; set; }
    public string? GenerationError { get; set; }
    public DateTime? GenerationStartedAt { get; set; }
    public DateTime? GenerationCompletedAt { get; set; }
    /// <summary>The highest export version handed out; bumped under the dataset's row lock.</summary>
    public int LastExportVersion { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class DatasetConfiguration : IEntityTypeConfiguration<Dataset>
{
    public void Configure(EntityTypeBuilder<Dataset> builder)
    {
        builder.ToTable("datasets");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.UseCase).HasMaxLength(100);
        builder.Property(d => d.Name).HasMaxLength(200);
        builder.Property(d => d.Provider).HasMaxLength(50);
        builder.Property(d => d.TargetModelFamily).HasMaxLength(100);
        builder.Property(d => d.Status).HasMaxLength(20);
        builder.Property(d => d.Generator).HasMaxLength(50);
        builder.Property(d => d.GenerationNumber).HasDefaultValue(0);
        builder.HasOne<Domain>().WithMany().HasForeignKey(d => d.DomainId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<GenerationTemplate>().WithMany().HasForeignKey(d => d.TemplateId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(d => new { d.DomainId, d.CreatedAt });
    }
}
