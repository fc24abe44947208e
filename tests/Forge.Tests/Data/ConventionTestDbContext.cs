using System.Text.Json.Nodes;
using Forge.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace Forge.Tests.Data;

public sealed class ConventionSample
{
    public Guid Id { get; set; }
    public string DisplayName { get; set; } = "";
    public JsonObject Document { get; set; } = [];
    public JsonObject? Extra { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ReviewedAt { get; set; }
}

/// <summary>A model built with ForgeDbContext's conventions only, to test them apart from Forge's entities.</summary>
public abstract class ConventionTestDbContext(DbContextOptions options) : DbContext(options)
{
    public const string Table = "convention_samples";

    public DbSet<ConventionSample> Samples => Set<ConventionSample>();

    protected abstract bool Postgres { get; }

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        builder.UseForgeConventions(Postgres);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ConventionSample>(b =>
        {
            b.ToTable(Table);
            b.HasIndex(s => s.CreatedAt);
        });
        modelBuilder.UseSnakeCaseNames();
    }
}

public sealed class SqliteConventionTestDbContext(DbContextOptions<SqliteConventionTestDbContext> options) : ConventionTestDbContext(options)
{
    protected override bool Postgres => false;
}

public sealed class PostgresConventionTestDbContext(DbContextOptions<PostgresConventionTestDbContext> options) : ConventionTestDbContext(options)
{
    protected override bool Postgres => true;
}
