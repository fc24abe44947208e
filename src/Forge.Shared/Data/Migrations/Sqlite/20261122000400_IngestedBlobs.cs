using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Forge.Shared.Data.Migrations.Sqlite;

/// <summary>Blobs dropped under incoming/ that have been ingested (or refused), once per version.</summary>
[DbContext(typeof(SqliteForgeDbContext))]
[Migration("20261122000400_IngestedBlobs")]
public sealed class IngestedBlobs : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE "ingested_blobs" (
    "id" TEXT NOT NULL CONSTRAINT "pk_ingested_blobs" PRIMARY KEY,
    "blob_key" TEXT NOT NULL,
    "e_tag" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT NULL,
    "document_id" TEXT NULL,
    "created_at" TEXT NOT NULL
);
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "ix_ingested_blobs_blob_key_e_tag" ON "ingested_blobs" ("blob_key", "e_tag");
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("ingested_blobs");
    }
}
