using System.Text.RegularExpressions;
using Forge.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace Forge.Tests.Data;

public sealed partial class SnakeCaseNamingTests
{
    [Theory]
    [InlineData("CreatedAt", "created_at")]
    [InlineData("S3Key", "s3_key")]
    [InlineData("URLValue", "url_value")]
    [InlineData("Id", "id")]
    [InlineData("UserID", "user_id")]
    [InlineData("LeaseExpiresAt", "lease_expires_at")]
    [InlineData("Sha256Hash", "sha256_hash")]
    [InlineData("already_snake", "already_snake")]
    [InlineData("PK_api_keys", "pk_api_keys")]
    [InlineData("IX_training_jobs_model_id_status", "ix_training_jobs_model_id_status")]
    public void ToSnakeCaseSplitsWordsAndAcronyms(string name, string expected)
    {
        ModelBuilderExtensions.ToSnakeCase(name).Should().Be(expected);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public void ForgeModelUsesOnlySnakeCaseNames(DatabaseProvider provider)
    {
        using ForgeDbContext db = provider == DatabaseProvider.Postgres
            ? new PostgresForgeDbContext(new DbContextOptionsBuilder<PostgresForgeDbContext>().UseNpgsql("Host=localhost").Options)
            : new SqliteForgeDbContext(new DbContextOptionsBuilder<SqliteForgeDbContext>().UseSqlite("Data Source=:memory:").Options);

        var tables = db.Model.GetRelationalModel().Tables.ToList();
        var names = tables.SelectMany(t => new[] { $"table {t.Name}" }
            .Concat(t.Columns.Select(c => $"column {t.Name}.{c.Name}"))
            .Concat(t.Indexes.Select(i => $"index {t.Name}.{i.Name}"))
            .Concat(t.UniqueConstraints.Select(k => $"key {t.Name}.{k.Name}"))
            .Concat(t.ForeignKeyConstraints.Select(f => $"foreign key {t.Name}.{f.Name}")))
            .ToList();

        tables.Select(t => t.Name).Should().Contain(["api_keys", "documents", "dataset_items", "training_jobs"]);
        names.Should().Contain("column dataset_items.created_at").And.Contain("key api_keys.pk_api_keys");
        names.Where(n => !SnakeCase().IsMatch(n.Split(' ')[^1].Split('.')[^1])).Should().BeEmpty("every table, column, index and key name is snake_case");
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex SnakeCase();
}
