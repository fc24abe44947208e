using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Forge.Shared.Data.Migrations.Sqlite;

/// <summary>
/// Document processing runs on the Durable Task Framework: a step whose worker dies is delivered again, so the
/// version counts the steps that started and never ended, to stop a file that kills every worker reading it.
/// </summary>
[DbContext(typeof(SqliteForgeDbContext))]
[Migration("20261205000100_DocumentProcessingAttempts")]
public sealed class DocumentProcessingAttempts : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
ALTER TABLE "document_versions" ADD COLUMN "unfinished_attempts" INTEGER NOT NULL DEFAULT 0;
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn("unfinished_attempts", "document_versions");
    }
}
