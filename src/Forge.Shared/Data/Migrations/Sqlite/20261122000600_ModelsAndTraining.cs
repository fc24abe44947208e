using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Forge.Shared.Data.Migrations.Sqlite;

/// <summary>Registered models, their training jobs and the jobs' events.</summary>
[DbContext(typeof(SqliteForgeDbContext))]
[Migration("20261122000600_ModelsAndTraining")]
public sealed class ModelsAndTraining : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE "models" (
    "id" TEXT NOT NULL CONSTRAINT "pk_models" PRIMARY KEY,
    "domain_id" TEXT NULL,
    "name" TEXT NOT NULL,
    "base_model" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "model_family" TEXT NULL,
    "version" TEXT NULL,
    "status" TEXT NOT NULL,
    "config" TEXT NOT NULL,
    "capabilities" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    CONSTRAINT "fk_models_domains_domain_id" FOREIGN KEY ("domain_id") REFERENCES "domains" ("id") ON DELETE RESTRICT
);
""");
        migrationBuilder.Sql("""
CREATE TABLE "training_jobs" (
    "id" TEXT NOT NULL CONSTRAINT "pk_training_jobs" PRIMARY KEY,
    "model_id" TEXT NOT NULL,
    "dataset_id" TEXT NOT NULL,
    "dataset_export_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "external_job_id" TEXT NULL,
    "hyperparameters" TEXT NOT NULL,
    "metrics" TEXT NOT NULL,
    "error_message" TEXT NULL,
    "provider_state" TEXT NOT NULL,
    "run_id" TEXT NULL,
    "cancel_requested" INTEGER NOT NULL,
    "cancel_sent_at" TEXT NULL,
    "started_at" TEXT NULL,
    "completed_at" TEXT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    CONSTRAINT "fk_training_jobs_dataset_exports_dataset_export_id" FOREIGN KEY ("dataset_export_id") REFERENCES "dataset_exports" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_training_jobs_datasets_dataset_id" FOREIGN KEY ("dataset_id") REFERENCES "datasets" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_training_jobs_models_model_id" FOREIGN KEY ("model_id") REFERENCES "models" ("id") ON DELETE RESTRICT
);
""");
        migrationBuilder.Sql("""
CREATE TABLE "training_job_events" (
    "id" TEXT NOT NULL CONSTRAINT "pk_training_job_events" PRIMARY KEY,
    "job_id" TEXT NOT NULL,
    "external_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "data" TEXT NULL,
    "at" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    CONSTRAINT "fk_training_job_events_training_jobs_job_id" FOREIGN KEY ("job_id") REFERENCES "training_jobs" ("id") ON DELETE CASCADE
);
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_models_domain_id" ON "models" ("domain_id");
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "ix_models_name" ON "models" ("name");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_training_job_events_job_id_at" ON "training_job_events" ("job_id", "at");
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "ix_training_job_events_job_id_external_id" ON "training_job_events" ("job_id", "external_id");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_training_jobs_dataset_export_id" ON "training_jobs" ("dataset_export_id");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_training_jobs_dataset_id" ON "training_jobs" ("dataset_id");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_training_jobs_model_id_created_at" ON "training_jobs" ("model_id", "created_at");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_training_jobs_status" ON "training_jobs" ("status");
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("training_job_events");
        migrationBuilder.DropTable("training_jobs");
        migrationBuilder.DropTable("models");
    }
}
