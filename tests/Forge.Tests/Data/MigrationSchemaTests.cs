using Forge.Shared.Data;
using Forge.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Forge.Tests.Data;

/// <summary>
/// The hand-written migrations must build exactly the schema the model describes: a database migrated with
/// <see cref="DatabaseMigrator.MigrateForgeDatabaseAsync"/> is compared with one made by <c>EnsureCreated</c>.
/// Run against each provider, since each has its own migration set.
/// </summary>
public abstract class MigrationSchemaTests(DatabaseProvider provider)
{
    private const string FoundationMigration = "20261122000100_Foundation";

    protected abstract Task<DatabaseSchema> ReadSchemaAsync(ForgeDbContext db);

    [Fact]
    public async Task MigratedSchemaMatchesTheModel()
    {
        await using var migrated = await TestDatabase.CreateAsync(provider, "forge_migrated");
        await using var created = await TestDatabase.CreateAsync(provider, "forge_created");
        await migrated.MigrateAsync();
        (await created.WithDbAsync(db => db.Database.EnsureCreatedAsync())).Should().BeTrue();

        var model = await created.WithDbAsync(ReadSchemaAsync);
        var migrations = await migrated.WithDbAsync(ReadSchemaAsync);

        model.Tables.Keys.Should().Contain(["api_keys", "documents", "datasets", "training_jobs"]).And.NotContain(["engine_runs", "engine_work_items", "engine_joins"]);
        DatabaseSchema.Differences(model, migrations).Should().BeEmpty(
            "every model change needs a hand-written migration in Data/Migrations/{0}; each line says what to add", provider);
    }

    [Fact]
    public async Task MigratingAnUpToDateDatabaseIsANoOp()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await database.MigrateAsync();
        var schemaBefore = await database.WithDbAsync(ReadSchemaAsync);
        var historyBefore = await database.WithDbAsync(HistoryAsync);

        await database.MigrateAsync();

        (await database.WithDbAsync(async db => (await db.Database.GetPendingMigrationsAsync()).ToList())).Should().BeEmpty();
        (await database.WithDbAsync(HistoryAsync)).Should().Equal(historyBefore);
        DatabaseSchema.Differences(schemaBefore, await database.WithDbAsync(ReadSchemaAsync)).Should().BeEmpty();
    }

    [Fact]
    public async Task MigrationHistoryListsTheFoundationMigration()
    {
        await using var database = await TestDatabase.CreateAsync(provider);

        await database.MigrateAsync();

        (await database.WithDbAsync(HistoryAsync)).Should().Contain(FoundationMigration);
        (await database.WithDbAsync(async db => (await db.Database.GetAppliedMigrationsAsync()).ToList())).Should().Contain(FoundationMigration);
    }

    /// <summary>The comparison itself must be able to fail, and say what is missing.</summary>
    [Fact]
    public async Task SchemaComparisonNamesTheMissingIndexAndTheExtraColumn()
    {
        await using var created = await TestDatabase.CreateAsync(provider, "forge_created");
        await using var altered = await TestDatabase.CreateAsync(provider, "forge_altered");
        await created.WithDbAsync(db => db.Database.EnsureCreatedAsync());
        await altered.WithDbAsync(db => db.Database.EnsureCreatedAsync());
        await altered.WithDbAsync(async db =>
        {
            await db.Database.ExecuteSqlRawAsync("DROP INDEX ix_api_keys_user_id");
            return await db.Database.ExecuteSqlRawAsync("ALTER TABLE domains ADD COLUMN note TEXT");
        });

        var differences = DatabaseSchema.Differences(await created.WithDbAsync(ReadSchemaAsync), await altered.WithDbAsync(ReadSchemaAsync));

        differences.Should().HaveCount(2);
        differences.Should().Contain(d => d.StartsWith("index api_keys.ix_api_keys_user_id: in the model as '(user_id)' but no migration creates it", StringComparison.Ordinal));
        differences.Should().Contain(d => d.StartsWith("column domains.note: the migrations create", StringComparison.Ordinal));
    }

    private static async Task<List<string>> HistoryAsync(ForgeDbContext db) =>
        await db.Database.SqlQueryRaw<string>("SELECT \"MigrationId\" AS \"Value\" FROM \"__EFMigrationsHistory\" ORDER BY \"MigrationId\"").ToListAsync();
}

public sealed class SqliteMigrationSchemaTests() : MigrationSchemaTests(DatabaseProvider.Sqlite)
{
    protected override Task<DatabaseSchema> ReadSchemaAsync(ForgeDbContext db) => SqliteSchema.ReadAsync(db);
}

public sealed class PostgresMigrationSchemaTests() : MigrationSchemaTests(DatabaseProvider.Postgres)
{
    protected override Task<DatabaseSchema> ReadSchemaAsync(ForgeDbContext db) => PostgresSchema.ReadAsync(db);
}
