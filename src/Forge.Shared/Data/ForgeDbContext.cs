using Microsoft.EntityFrameworkCore;

namespace Forge.Shared.Data;

/// <summary>
/// The one database model of Forge. Handlers and activities use it directly; the provider-specific
/// subclasses exist only so each provider has its own migration set.
/// </summary>
public abstract class ForgeDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Domain> Domains => Set<Domain>();
    public DbSet<GenerationTemplate> Templates => Set<GenerationTemplate>();
    public DbSet<Document> Documents => Set<Document>();
    public DbSet<DocumentVersion> DocumentVersions => Set<DocumentVersion>();
    public DbSet<Segment> Segments => Set<Segment>();
    public DbSet<IngestedBlob> IngestedBlobs => Set<IngestedBlob>();
    public DbSet<Dataset> Datasets => Set<Dataset>();
    public DbSet<DatasetItem> DatasetItems => Set<DatasetItem>();
    public DbSet<DatasetItemSkip> DatasetItemSkips => Set<DatasetItemSkip>();
    public DbSet<ItemReview> ItemReviews => Set<ItemReview>();
    public DbSet<DatasetExport> DatasetExports => Set<DatasetExport>();
    public DbSet<TrainingModel> Models => Set<TrainingModel>();
    public DbSet<TrainingJob> TrainingJobs => Set<TrainingJob>();
    public DbSet<TrainingJobEvent> TrainingJobEvents => Set<TrainingJobEvent>();
    public DbSet<TrainingPair> TrainingPairs => Set<TrainingPair>();
    public DbSet<TrainingPairHashtag> TrainingPairHashtags => Set<TrainingPairHashtag>();
    public DbSet<TrainingPairHookVariant> TrainingPairHookVariants => Set<TrainingPairHookVariant>();
    public DbSet<TrainingPairScene> TrainingPairScenes => Set<TrainingPairScene>();

    public abstract DatabaseProvider Provider { get; }

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        builder.UseForgeConventions(Provider == DatabaseProvider.Postgres);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ForgeDbContext).Assembly, t => t.Namespace?.StartsWith("Forge.Shared", StringComparison.Ordinal) == true);
        modelBuilder.UseSnakeCaseNames();
    }
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public sealed class SqliteForgeDbContext(DbContextOptions<SqliteForgeDbContext> options) : ForgeDbContext(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresForgeDbContext(DbContextOptions<PostgresForgeDbContext> options) : ForgeDbContext(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
