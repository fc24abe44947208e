using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Forge.Shared.Data;

/// <summary>A business domain (VR Chat, VR Lex ...): documents, templates and datasets belong to one.</summary>
public sealed class Domain
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Slug { get; set; }
    public string? Description { get; set; }
    /// <summary>Free-form; Forge reads <c>default_segment_type</c>, <c>default_segment_config</c> and <c>auto_process</c>.</summary>
    public JsonObject Config { get; set; } = [];
    public bool IsActive { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A prompt template for synthetic generation; <see cref="UserPromptTemplate"/> contains <c>{content}</c>.</summary>
public sealed class GenerationTemplate
{
    public Guid Id { get; set; }
    public Guid DomainId { get; set; }
    public string? UseCase { get; set; }
    public required string Name { get; set; }
    public required string SystemPrompt { get; set; }
    public required string UserPromptTemplate { get; set; }
    public string? TargetModelFamily { get; set; }
    public JsonObject Config { get; set; } = [];
    public bool IsActive { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class DomainConfiguration : IEntityTypeConfiguration<Domain>
{
    public void Configure(EntityTypeBuilder<Domain> builder)
    {
        builder.ToTable("domains");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Name).HasMaxLength(100);
        builder.Property(d => d.Slug).HasMaxLength(100);
        builder.HasIndex(d => d.Slug).IsUnique();
    }
}

internal sealed class GenerationTemplateConfiguration : IEntityTypeConfiguration<GenerationTemplate>
{
    public void Configure(EntityTypeBuilder<GenerationTemplate> builder)
    {
        builder.ToTable("templates");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.UseCase).HasMaxLength(100);
        builder.Property(t => t.Name).HasMaxLength(100);
        builder.Property(t => t.TargetModelFamily).HasMaxLength(100);
        builder.HasOne<Domain>().WithMany().HasForeignKey(t => t.DomainId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(t => new { t.DomainId, t.UseCase });
    }
}
