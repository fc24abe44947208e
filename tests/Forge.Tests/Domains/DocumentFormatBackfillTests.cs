using Forge.Shared.Data;
using Forge.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Forge.Tests.Domains;

/// <summary>
/// Documents uploaded before the <c>format</c> column get it from their content type when the migration runs, so
/// they stay processable. On each database (each has its own hand-written migration).
/// </summary>
public abstract class DocumentFormatBackfillContract(DatabaseProvider provider)
{
    private const string BeforeTheColumn = "20261122000700_TrainingPairs";

    [Fact]
    public async Task ExistingDocumentsGetTheirFormatFromTheirContentType()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await database.WithDbAsync(async db =>
        {
            await db.GetService<IMigrator>().MigrateAsync(BeforeTheColumn);
            var (active, domain) = provider == DatabaseProvider.Postgres ? ("true", "'0190a000-0000-7000-8000-000000000001'") : ("1", "'0190A000-0000-7000-8000-000000000001'");
            // Literal test values, so the SQL is built as text (braces doubled for the raw-SQL formatter): the rows are written as the old schema had them.
            var insertDomain = $"""
                INSERT INTO domains (id, name, slug, config, is_active, created_at, updated_at)
                VALUES ({domain}, 'Legacy', 'legacy', '{"{{}}"}', {active}, '2026-11-01 00:00:00Z', '2026-11-01 00:00:00Z')
                """;
            await db.Database.ExecuteSqlRawAsync(insertDomain);
            var rows = new[] { ("1", "application/pdf", "a.pdf"), ("2", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "b.docx"), ("3", "text/plain", "txt") };
            foreach (var (n, contentType, name) in rows)
            {
                var insertDocument = $"""
                    INSERT INTO documents (id, domain_id, filename, original_filename, s3_key, content_type, file_size, status, metadata, created_at, updated_at)
                    VALUES ('0190A000-0000-7000-8000-00000000010{n}', {domain}, '{name}', '{name}', 'documents/legacy/{n}/{name}', '{contentType}', 1, 'uploaded', '{"{{}}"}',
                            '2026-11-01 00:00:00Z', '2026-11-01 00:00:00Z')
                    """;
                await db.Database.ExecuteSqlRawAsync(insertDocument);
            }
            return 0;
        });

        await database.MigrateAsync();

        var formats = await database.WithDbAsync(db => db.Database
            .SqlQueryRaw<string>("SELECT format AS \"Value\" FROM documents ORDER BY filename").ToListAsync());
        formats.Should().Equal("pdf", "docx", "txt");
    }
}

public sealed class SqliteDocumentFormatBackfillTests() : DocumentFormatBackfillContract(DatabaseProvider.Sqlite);

public sealed class PostgresDocumentFormatBackfillTests() : DocumentFormatBackfillContract(DatabaseProvider.Postgres);
