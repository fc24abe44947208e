using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Forge.Shared.Data.Migrations.Postgres;

/// <summary>
/// The format detected at upload, so processing no longer re-derives it from the sanitized name. Existing rows
/// get it from their content type, which was itself set from the detected format.
/// </summary>
[DbContext(typeof(PostgresForgeDbContext))]
[Migration("20261204000900_DocumentFormatColumn")]
public sealed class DocumentFormatColumn : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
ALTER TABLE documents ADD COLUMN format character varying(10);
""");
        migrationBuilder.Sql("""
UPDATE documents SET format = CASE content_type
    WHEN 'application/pdf' THEN 'pdf'
    WHEN 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' THEN 'docx'
    ELSE 'txt' END;
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn("format", "documents");
    }
}
