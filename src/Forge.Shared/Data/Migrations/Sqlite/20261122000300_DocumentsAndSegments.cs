using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Forge.Shared.Data.Migrations.Sqlite;

/// <summary>Documents, their processing versions and segments (seed 001).</summary>
[DbContext(typeof(SqliteForgeDbContext))]
[Migration("20261122000300_DocumentsAndSegments")]
public sealed class DocumentsAndSegments : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE "documents" (
    "id" TEXT NOT NULL CONSTRAINT "pk_documents" PRIMARY KEY,
    "domain_id" TEXT NOT NULL,
    "use_case" TEXT NULL,
    "filename" TEXT NOT NULL,
    "original_filename" TEXT NOT NULL,
    "s3_key" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "file_size" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "metadata" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    CONSTRAINT "fk_documents_domains_domain_id" FOREIGN KEY ("domain_id") REFERENCES "domains" ("id") ON DELETE RESTRICT
);
""");
        migrationBuilder.Sql("""
CREATE TABLE "document_versions" (
    "id" TEXT NOT NULL CONSTRAINT "pk_document_versions" PRIMARY KEY,
    "document_id" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "segment_type" TEXT NOT NULL,
    "segment_config" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "error" TEXT NULL,
    "created_at" TEXT NOT NULL,
    "completed_at" TEXT NULL,
    CONSTRAINT "fk_document_versions_documents_document_id" FOREIGN KEY ("document_id") REFERENCES "documents" ("id") ON DELETE CASCADE
);
""");
        migrationBuilder.Sql("""
CREATE TABLE "segments" (
    "id" TEXT NOT NULL CONSTRAINT "pk_segments" PRIMARY KEY,
    "domain_id" TEXT NOT NULL,
    "document_id" TEXT NOT NULL,
    "document_version_id" TEXT NOT NULL,
    "use_case" TEXT NULL,
    "segment_type" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "metadata" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    CONSTRAINT "fk_segments_document_versions_document_version_id" FOREIGN KEY ("document_version_id") REFERENCES "document_versions" ("id") ON DELETE CASCADE
);
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "ix_document_versions_document_id_number" ON "document_versions" ("document_id", "number");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_documents_domain_id_created_at" ON "documents" ("domain_id", "created_at");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_segments_document_id" ON "segments" ("document_id");
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "ix_segments_document_version_id_position" ON "segments" ("document_version_id", "position");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_segments_domain_id_segment_type" ON "segments" ("domain_id", "segment_type");
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("segments");
        migrationBuilder.DropTable("document_versions");
        migrationBuilder.DropTable("documents");
    }
}
