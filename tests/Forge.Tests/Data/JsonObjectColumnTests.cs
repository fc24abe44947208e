using System.Text.Json.Nodes;
using Forge.Shared.Data;
using Forge.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Forge.Tests.Data;

/// <summary>
/// A JsonObject property needs no configuration of its own, and its text survives PostgreSQL unchanged
/// (regression tests: EF took JsonObject for an entity type, and jsonb re-sorted keys).
/// </summary>
public sealed class JsonObjectColumnTests
{
    [Theory]
    [InlineData(false, "TEXT")]
    [InlineData(true, "json")]
    public void JsonObjectPropertyNeedsNoExplicitConfigurationToBecomeAJsonColumn(bool postgres, string expectedType)
    {
        using var db = postgres
            ? new BareJsonContext(new DbContextOptionsBuilder<BareJsonContext>().UseNpgsql("Host=localhost").Options, postgres)
            : new BareJsonContext(new DbContextOptionsBuilder<BareJsonContext>().UseSqlite("Data Source=:memory:").Options, postgres);

        var column = db.Model.GetRelationalModel().FindTable("bare_samples", null)!.FindColumn("document");

        column.Should().NotBeNull();
        column!.StoreType.Should().Be(expectedType);
    }

    [Fact]
    public async Task JsonObjectRoundTripsUnchangedOnPostgres()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync("forge_json_bug");
        var options = new DbContextOptionsBuilder<PostgresConventionTestDbContext>().UseNpgsql(connectionString).Options;
        var document = new JsonObject { ["title"] = "t", ["count"] = 1, ["nested"] = new JsonObject { ["level"] = 2, ["id"] = 3 } };
        var id = Guid.NewGuid();
        await using (var db = new PostgresConventionTestDbContext(options))
        {
            await db.Database.EnsureCreatedAsync();
            db.Samples.Add(new ConventionSample { Id = id, Document = document, CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        await using (var db = new PostgresConventionTestDbContext(options))
        {
            var loaded = await db.Samples.AsNoTracking().SingleAsync(s => s.Id == id);
            loaded.Document.ToJsonString().Should().Be("""{"title":"t","count":1,"nested":{"level":2,"id":3}}""");
        }
    }

    public sealed class BareSample
    {
        public Guid Id { get; set; }
        public JsonObject Document { get; set; } = [];
    }

    /// <summary>Only the conventions, as ForgeDbContext applies them; no per-property configuration.</summary>
    public sealed class BareJsonContext(DbContextOptions<BareJsonContext> options, bool postgres) : DbContext(options)
    {
        public DbSet<BareSample> Samples => Set<BareSample>();

        protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
            configurationBuilder.UseForgeConventions(postgres);

        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.Entity<BareSample>().ToTable("bare_samples");
            modelBuilder.UseSnakeCaseNames();
        }
    }
}
