using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Forge.Shared.Data.Migrations.Sqlite;

/// <summary>Video-script training pairs (seed 000) with their hashtags, hook variants and scenes.</summary>
[DbContext(typeof(SqliteForgeDbContext))]
[Migration("20261122000700_TrainingPairs")]
public sealed class TrainingPairs : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE "training_pairs" (
    "id" TEXT NOT NULL CONSTRAINT "pk_training_pairs" PRIMARY KEY,
    "pair_id" TEXT NOT NULL,
    "topic" TEXT NULL,
    "category" TEXT NULL,
    "duration_seconds" INTEGER NULL,
    "score" INTEGER NULL,
    "user_prompt" TEXT NULL,
    "system_prompt" TEXT NULL,
    "target_audience" TEXT NULL,
    "content_style" TEXT NULL,
    "status" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "updated_by" TEXT NOT NULL
);
""");
        migrationBuilder.Sql("""
CREATE TABLE "training_pair_hashtags" (
    "id" TEXT NOT NULL CONSTRAINT "pk_training_pair_hashtags" PRIMARY KEY,
    "training_pair_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "updated_by" TEXT NOT NULL,
    CONSTRAINT "fk_training_pair_hashtags_training_pairs_training_pair_id" FOREIGN KEY ("training_pair_id") REFERENCES "training_pairs" ("id") ON DELETE CASCADE
);
""");
        migrationBuilder.Sql("""
CREATE TABLE "training_pair_hook_variants" (
    "id" TEXT NOT NULL CONSTRAINT "pk_training_pair_hook_variants" PRIMARY KEY,
    "hook_variant" INTEGER NULL,
    "training_pair_id" TEXT NOT NULL,
    "scene_number" INTEGER NULL,
    "scene_type" TEXT NULL,
    "timestamp" TEXT NULL,
    "text_overlay" TEXT NULL,
    "voiceover" TEXT NULL,
    "visual" TEXT NULL,
    "tip" TEXT NULL,
    "order_index" INTEGER NULL,
    "created_at" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "updated_by" TEXT NOT NULL,
    CONSTRAINT "fk_training_pair_hook_variants_training_pairs_training_pair_id" FOREIGN KEY ("training_pair_id") REFERENCES "training_pairs" ("id") ON DELETE CASCADE
);
""");
        migrationBuilder.Sql("""
CREATE TABLE "training_pair_scenes" (
    "id" TEXT NOT NULL CONSTRAINT "pk_training_pair_scenes" PRIMARY KEY,
    "training_pair_id" TEXT NOT NULL,
    "scene_number" INTEGER NULL,
    "scene_type" TEXT NULL,
    "timestamp" TEXT NULL,
    "text_overlay" TEXT NULL,
    "voiceover" TEXT NULL,
    "visual" TEXT NULL,
    "tip" TEXT NULL,
    "order_index" INTEGER NULL,
    "created_at" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "updated_by" TEXT NOT NULL,
    CONSTRAINT "fk_training_pair_scenes_training_pairs_training_pair_id" FOREIGN KEY ("training_pair_id") REFERENCES "training_pairs" ("id") ON DELETE CASCADE
);
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_training_pair_hashtags_training_pair_id" ON "training_pair_hashtags" ("training_pair_id");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_training_pair_hook_variants_training_pair_id" ON "training_pair_hook_variants" ("training_pair_id");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_training_pair_scenes_training_pair_id" ON "training_pair_scenes" ("training_pair_id");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_training_pairs_created_by_created_at" ON "training_pairs" ("created_by", "created_at");
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "ix_training_pairs_created_by_pair_id" ON "training_pairs" ("created_by", "pair_id");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_training_pairs_created_by_status_created_at" ON "training_pairs" ("created_by", "status", "created_at");
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("training_pair_scenes");
        migrationBuilder.DropTable("training_pair_hook_variants");
        migrationBuilder.DropTable("training_pair_hashtags");
        migrationBuilder.DropTable("training_pairs");
    }
}
