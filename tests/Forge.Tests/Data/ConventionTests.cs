using System.Text.Json.Nodes;
using Forge.Shared.Data;
using Forge.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Forge.Tests.Data;

/// <summary>
/// ForgeDbContext's conventions (JSON object columns, UTC timestamps, snake_case names) on a small test-only
/// model, run against each provider. Some tests switch the local time zone, hence the non-parallel collection.
/// </summary>
public abstract class ConventionTests : IAsyncLifetime
{
    /// <summary>An instant with microseconds, the finest precision both providers keep.</summary>
    private static readonly DateTime Instant = new DateTime(2026, 3, 1, 4, 30, 0, DateTimeKind.Utc).AddTicks(1_234_560);

    /// <summary>The document's text survives as written: key order included (PostgreSQL's json, not jsonb).</summary>
    [Fact]
    public async Task JsonObjectTextRoundTripsUnchanged()
    {
        await SaveAsync(Sample("json", SampleDocument()));

        var loaded = await LoadAsync("json");

        loaded.Document.ToJsonString().Should().Be(SampleDocument().ToJsonString());
        loaded.Extra.Should().BeNull();
    }

    protected abstract string ExpectedJsonColumnType { get; }

    protected abstract Task CreateDatabaseAsync();

    protected abstract ConventionTestDbContext CreateContext();

    protected abstract Task<string> ColumnTypeAsync(ConventionTestDbContext db, string column);

    /// <summary>SQL selecting the stored timestamp of the sample named {0}, as UTC text: yyyy-MM-dd HH:mm:ss.ffffff.</summary>
    protected abstract string StoredUtcTextSql(string column, string displayName);

    public virtual async Task InitializeAsync()
    {
        await CreateDatabaseAsync();
        await using var db = CreateContext();
        await db.Database.EnsureCreatedAsync();
    }

    public abstract Task DisposeAsync();

    [Fact]
    public async Task JsonObjectRoundTripsToAnEquivalentDocument()
    {
        await SaveAsync(Sample("equivalent", SampleDocument()));

        var loaded = await LoadAsync("equivalent");

        JsonNode.DeepEquals(loaded.Document, SampleDocument()).Should().BeTrue(
            "the stored document {0} should hold the same values as {1}", loaded.Document.ToJsonString(), SampleDocument().ToJsonString());
        loaded.Document["title"]!.GetValue<string>().Should().Be("Café déjà vu — 日本語 🚀");
        loaded.Document["big"]!.GetValue<long>().Should().Be(9007199254740993);
        loaded.Document["nested"]!["items"]![0]!["name"]!.GetValue<string>().Should().Be("x");
    }

    [Fact]
    public async Task JsonObjectColumnHasTheProviderJsonType()
    {
        await using var db = CreateContext();

        (await ColumnTypeAsync(db, "document")).Should().Be(ExpectedJsonColumnType);
        (await ColumnTypeAsync(db, "extra")).Should().Be(ExpectedJsonColumnType);
    }

    [Fact]
    public async Task ModifiedJsonObjectIsDetectedAsAChangeAndSaved()
    {
        await SaveAsync(Sample("modified", SampleDocument()));

        await using (var db = CreateContext())
        {
            var sample = await db.Samples.SingleAsync(s => s.DisplayName == "modified");
            db.ChangeTracker.DetectChanges();
            db.Entry(sample).State.Should().Be(EntityState.Unchanged, "loading a document is not a change");

            sample.Document["nested"]!["level"] = 3;
            sample.Document["tags"]!.AsArray().Add("d");
            sample.Extra = new JsonObject { ["added"] = true };
            db.ChangeTracker.DetectChanges();

            db.Entry(sample).Property(s => s.Document).IsModified.Should().BeTrue();
            db.Entry(sample).Property(s => s.Extra).IsModified.Should().BeTrue();
            (await db.SaveChangesAsync()).Should().Be(1);
            (await db.SaveChangesAsync()).Should().Be(0, "a saved document is no longer a change");
        }

        var loaded = await LoadAsync("modified");
        loaded.Document["nested"]!["level"]!.GetValue<int>().Should().Be(3);
        loaded.Document["tags"]!.AsArray().Select(t => t!.GetValue<string>()).Should().Equal("a", "b", "c", "d");
        loaded.Extra!["added"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task TimestampsComeBackAsUtcWithTheSameInstant()
    {
        await SaveAsync(Sample("utc", [], Instant, Instant.AddDays(2)));
        await SaveAsync(Sample("unreviewed", [], Instant, null));

        var loaded = await LoadAsync("utc");
        var unreviewed = await LoadAsync("unreviewed");

        loaded.CreatedAt.Kind.Should().Be(DateTimeKind.Utc);
        loaded.CreatedAt.Should().Be(Instant);
        loaded.ReviewedAt!.Value.Kind.Should().Be(DateTimeKind.Utc);
        loaded.ReviewedAt.Should().Be(Instant.AddDays(2));
        unreviewed.ReviewedAt.Should().BeNull();
        await using var db = CreateContext();
        (await db.Samples.CountAsync(s => s.CreatedAt == Instant && s.ReviewedAt > Instant)).Should().Be(1);
    }

    [Fact]
    public async Task LocalTimestampIsStoredAsItsUtcInstant()
    {
        using var zone = LocalTimeZone.Use();
        var local = Instant.ToLocalTime();
        local.Kind.Should().Be(DateTimeKind.Local);
        local.Hour.Should().NotBe(Instant.Hour, "the local zone must differ from UTC for this test to mean anything");

        await SaveAsync(Sample("local", [], local, local.AddHours(1)));

        var loaded = await LoadAsync("local");
        loaded.CreatedAt.Kind.Should().Be(DateTimeKind.Utc);
        loaded.CreatedAt.Should().Be(Instant);
        loaded.ReviewedAt.Should().Be(Instant.AddHours(1));
        await using var db = CreateContext();
        (await db.Database.SqlQueryRaw<string>(StoredUtcTextSql("created_at", "local")).SingleAsync()).Should().Be("2026-03-01 04:30:00.123456");
    }

    protected static JsonObject SampleDocument() => new()
    {
        ["title"] = "Café déjà vu — 日本語 🚀",
        ["count"] = 42,
        ["ratio"] = 0.125,
        ["big"] = 9007199254740993,
        ["negative"] = -17.5,
        ["flag"] = true,
        ["nothing"] = null,
        ["quote"] = "she said \"hi\" <b>&</b>\n",
        ["tags"] = new JsonArray("a", "b", "c"),
        ["nested"] = new JsonObject
        {
            ["level"] = 2,
            ["items"] = new JsonArray(new JsonObject { ["id"] = 1, ["name"] = "x" }, new JsonArray(1, 2, 3)),
            ["empty"] = new JsonObject(),
        },
    };

    protected static ConventionSample Sample(string name, JsonObject document, DateTime? createdAt = null, DateTime? reviewedAt = null) => new()
    {
        Id = Guid.NewGuid(),
        DisplayName = name,
        Document = document,
        CreatedAt = createdAt ?? Instant,
        ReviewedAt = reviewedAt,
    };

    protected async Task SaveAsync(ConventionSample sample)
    {
        await using var db = CreateContext();
        db.Samples.Add(sample);
        await db.SaveChangesAsync();
    }

    protected async Task<ConventionSample> LoadAsync(string name)
    {
        await using var db = CreateContext();
        return await db.Samples.AsNoTracking().SingleAsync(s => s.DisplayName == name);
    }
}

[Collection(LocalTimeZoneCollection.Name)]
public sealed class SqliteConventionTests : ConventionTests
{
    private readonly string folder = Directory.CreateTempSubdirectory("forge-conventions-").FullName;

    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "conventions.db") }.ToString();

    protected override string ExpectedJsonColumnType => "TEXT";

    protected override Task CreateDatabaseAsync() => Task.CompletedTask;

    protected override ConventionTestDbContext CreateContext() =>
        new SqliteConventionTestDbContext(new DbContextOptionsBuilder<SqliteConventionTestDbContext>().UseSqlite(ConnectionString).Options);

    protected override async Task<string> ColumnTypeAsync(ConventionTestDbContext db, string column) =>
        await db.Database.SqlQuery<string>($"SELECT type AS \"Value\" FROM pragma_table_info({ConventionTestDbContext.Table}) WHERE name = {column}").SingleAsync();

    protected override string StoredUtcTextSql(string column, string displayName) =>
        $"SELECT {column} AS \"Value\" FROM {ConventionTestDbContext.Table} WHERE display_name = '{displayName}'";

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearPool(new SqliteConnection(ConnectionString));
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
        return Task.CompletedTask;
    }
}

[Collection(LocalTimeZoneCollection.Name)]
public sealed class PostgresConventionTests : ConventionTests
{
    private string connectionString = "";

    protected override string ExpectedJsonColumnType => "json";

    protected override async Task CreateDatabaseAsync() => connectionString = await PostgresServer.CreateDatabaseAsync("forge_conventions");

    protected override ConventionTestDbContext CreateContext() =>
        new PostgresConventionTestDbContext(new DbContextOptionsBuilder<PostgresConventionTestDbContext>().UseNpgsql(connectionString).Options);

    protected override async Task<string> ColumnTypeAsync(ConventionTestDbContext db, string column) =>
        await db.Database.SqlQuery<string>(
            $"SELECT data_type AS \"Value\" FROM information_schema.columns WHERE table_name = {ConventionTestDbContext.Table} AND column_name = {column}").SingleAsync();

    protected override string StoredUtcTextSql(string column, string displayName) =>
        $"SELECT to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS \"Value\" FROM {ConventionTestDbContext.Table} WHERE display_name = '{displayName}'";

    public override Task DisposeAsync() => Task.CompletedTask;
}
