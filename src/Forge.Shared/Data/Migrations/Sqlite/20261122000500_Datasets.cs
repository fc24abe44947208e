using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Forge.Shared.Data.Migrations.Sqlite;

/// <summary>Datasets, their items (unique per segment and variant), skipped generations, review history and exports.</summary>
[DbContext(typeof(SqliteForgeDbContext))]
[Migration("20261122000500_Datasets")]
public sealed class Datasets : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE "datasets" (
    "id" TEXT NOT NULL CONSTRAINT "pk_datasets" PRIMARY KEY,
    "domain_id" TEXT NOT NULL,
    "template_id" TEXT NULL,
    "use_case" TEXT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NULL,
    "provider" TEXT NOT NULL,
    "target_model_family" TEXT NULL,
    "status" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "generation_config" TEXT NOT NULL,
    "segment_filter" TEXT NOT NULL,
    "auto_export" TEXT NULL,
    "generation_run_id" TEXT NULL,
    "generation_planned" INTEGER NOT NULL,
    "generator" TEXT NULL,
    "generator_note" TEXT NULL,
    "generation_error" TEXT NULL,
    "generation_started_at" TEXT NULL,
    "generation_completed_at" TEXT NULL,
    "last_export_version" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    CONSTRAINT "fk_datasets_domains_domain_id" FOREIGN KEY ("domain_id") REFERENCES "domains" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_datasets_templates_template_id" FOREIGN KEY ("template_id") REFERENCES "templates" ("id") ON DELETE RESTRICT
);
""");
        migrationBuilder.Sql("""
CREATE TABLE "dataset_exports" (
    "id" TEXT NOT NULL CONSTRAINT "pk_dataset_exports" PRIMARY KEY,
    "dataset_id" TEXT NOT NULL,
    "export_version" INTEGER NOT NULL,
    "format" TEXT NOT NULL,
    "schema" TEXT NOT NULL,
    "s3_key" TEXT NOT NULL,
    "manifest_key" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "approved_only" INTEGER NOT NULL,
    "min_quality_score" REAL NULL,
    "filters_applied" TEXT NOT NULL,
    "item_count" INTEGER NOT NULL,
    "skipped_count" INTEGER NOT NULL,
    "file_bytes" INTEGER NULL,
    "file_sha256" TEXT NULL,
    "trigger" TEXT NOT NULL,
    "error" TEXT NULL,
    "created_at" TEXT NOT NULL,
    "completed_at" TEXT NULL,
    CONSTRAINT "fk_dataset_exports_datasets_dataset_id" FOREIGN KEY ("dataset_id") REFERENCES "datasets" ("id") ON DELETE CASCADE
);
""");
        migrationBuilder.Sql("""
CREATE TABLE "dataset_item_skips" (
    "id" TEXT NOT NULL CONSTRAINT "pk_dataset_item_skips" PRIMARY KEY,
    "dataset_id" TEXT NOT NULL,
    "segment_id" TEXT NOT NULL,
    "variant" INTEGER NOT NULL,
    "generation_run_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "detail" TEXT NULL,
    "prompt_tokens" INTEGER NOT NULL,
    "completion_tokens" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL,
    CONSTRAINT "fk_dataset_item_skips_datasets_dataset_id" FOREIGN KEY ("dataset_id") REFERENCES "datasets" ("id") ON DELETE CASCADE
);
""");
        migrationBuilder.Sql("""
CREATE TABLE "dataset_items" (
    "id" TEXT NOT NULL CONSTRAINT "pk_dataset_items" PRIMARY KEY,
    "dataset_id" TEXT NOT NULL,
    "segment_id" TEXT NOT NULL,
    "document_id" TEXT NOT NULL,
    "variant" INTEGER NOT NULL,
    "generation_run_id" TEXT NULL,
    "template_id" TEXT NULL,
    "instruction" TEXT NOT NULL,
    "input_text" TEXT NOT NULL,
    "ideal_response" TEXT NOT NULL,
    "bad_response" TEXT NULL,
    "explanation" TEXT NULL,
    "quality_score" REAL NOT NULL,
    "quality_flags" TEXT NOT NULL,
    "review_status" TEXT NOT NULL,
    "generator" TEXT NOT NULL,
    "model" TEXT NULL,
    "prompt_tokens" INTEGER NOT NULL,
    "completion_tokens" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "reviewed_at" TEXT NULL,
    CONSTRAINT "fk_dataset_items_datasets_dataset_id" FOREIGN KEY ("dataset_id") REFERENCES "datasets" ("id") ON DELETE CASCADE
);
""");
        migrationBuilder.Sql("""
CREATE TABLE "item_reviews" (
    "id" TEXT NOT NULL CONSTRAINT "pk_item_reviews" PRIMARY KEY,
    "dataset_item_id" TEXT NOT NULL,
    "dataset_id" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "reviewer_id" TEXT NULL,
    "justification" TEXT NULL,
    "previous_values" TEXT NULL,
    "new_values" TEXT NULL,
    "created_at" TEXT NOT NULL,
    CONSTRAINT "fk_item_reviews_dataset_items_dataset_item_id" FOREIGN KEY ("dataset_item_id") REFERENCES "dataset_items" ("id") ON DELETE CASCADE
);
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "ix_dataset_exports_dataset_id_export_version" ON "dataset_exports" ("dataset_id", "export_version");
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "ix_dataset_item_skips_dataset_id_segment_id_variant" ON "dataset_item_skips" ("dataset_id", "segment_id", "variant");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_dataset_item_skips_generation_run_id" ON "dataset_item_skips" ("generation_run_id");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_dataset_items_dataset_id_review_status_created_at" ON "dataset_items" ("dataset_id", "review_status", "created_at");
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "ix_dataset_items_dataset_id_segment_id_variant" ON "dataset_items" ("dataset_id", "segment_id", "variant");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_dataset_items_generation_run_id" ON "dataset_items" ("generation_run_id");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_datasets_domain_id_created_at" ON "datasets" ("domain_id", "created_at");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_datasets_template_id" ON "datasets" ("template_id");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_item_reviews_dataset_item_id_created_at" ON "item_reviews" ("dataset_item_id", "created_at");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_dataset_items_dataset_id_created_at" ON "dataset_items" ("dataset_id", "created_at");
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("item_reviews");
        migrationBuilder.DropTable("dataset_exports");
        migrationBuilder.DropTable("dataset_item_skips");
        migrationBuilder.DropTable("dataset_items");
        migrationBuilder.DropTable("datasets");
    }
}
