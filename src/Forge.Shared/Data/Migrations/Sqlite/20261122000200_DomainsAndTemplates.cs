using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Forge.Shared.Data.Migrations.Sqlite;

/// <summary>Business domains and generation templates (seed 001).</summary>
[DbContext(typeof(SqliteForgeDbContext))]
[Migration("20261122000200_DomainsAndTemplates")]
public sealed class DomainsAndTemplates : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE "domains" (
    "id" TEXT NOT NULL CONSTRAINT "pk_domains" PRIMARY KEY,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "description" TEXT NULL,
    "config" TEXT NOT NULL,
    "is_active" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL
);
""");
        migrationBuilder.Sql("""
CREATE TABLE "templates" (
    "id" TEXT NOT NULL CONSTRAINT "pk_templates" PRIMARY KEY,
    "domain_id" TEXT NOT NULL,
    "use_case" TEXT NULL,
    "name" TEXT NOT NULL,
    "system_prompt" TEXT NOT NULL,
    "user_prompt_template" TEXT NOT NULL,
    "target_model_family" TEXT NULL,
    "config" TEXT NOT NULL,
    "is_active" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    CONSTRAINT "fk_templates_domains_domain_id" FOREIGN KEY ("domain_id") REFERENCES "domains" ("id") ON DELETE RESTRICT
);
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "ix_domains_slug" ON "domains" ("slug");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_templates_domain_id_use_case" ON "templates" ("domain_id", "use_case");
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("templates");
        migrationBuilder.DropTable("domains");
    }
}
