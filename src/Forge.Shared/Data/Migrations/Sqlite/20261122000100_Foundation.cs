using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Forge.Shared.Data.Migrations.Sqlite;

/// <summary>The foundation schema: the durable engine's tables and API keys.</summary>
[DbContext(typeof(SqliteForgeDbContext))]
[Migration("20261122000100_Foundation")]
public sealed class Foundation : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE "api_keys" (
    "id" TEXT NOT NULL CONSTRAINT "pk_api_keys" PRIMARY KEY,
    "user_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "last_used_at" TEXT NULL,
    "revoked_at" TEXT NULL
);
""");
        migrationBuilder.Sql("""
CREATE TABLE "engine_joins" (
    "id" TEXT NOT NULL CONSTRAINT "pk_engine_joins" PRIMARY KEY,
    "run_id" TEXT NOT NULL,
    "total" INTEGER NOT NULL,
    "remaining" INTEGER NOT NULL,
    "continuation_activity" TEXT NOT NULL,
    "continuation_payload" TEXT NOT NULL,
    "continuation_key" TEXT NOT NULL,
    "created_at" TEXT NOT NULL
);
""");
        migrationBuilder.Sql("""
CREATE TABLE "engine_runs" (
    "id" TEXT NOT NULL CONSTRAINT "pk_engine_runs" PRIMARY KEY,
    "type" TEXT NOT NULL,
    "subject" TEXT NULL,
    "status" TEXT NOT NULL,
    "current_step" TEXT NULL,
    "progress_done" INTEGER NOT NULL,
    "progress_total" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "error" TEXT NULL,
    "cancel_requested" INTEGER NOT NULL,
    "outstanding" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "started_at" TEXT NULL,
    "completed_at" TEXT NULL
);
""");
        migrationBuilder.Sql("""
CREATE TABLE "engine_work_items" (
    "id" TEXT NOT NULL CONSTRAINT "pk_engine_work_items" PRIMARY KEY,
    "run_id" TEXT NOT NULL,
    "activity" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "max_attempts" INTEGER NOT NULL,
    "available_at" TEXT NOT NULL,
    "lease_owner" TEXT NULL,
    "lease_expires_at" TEXT NULL,
    "idempotency_key" TEXT NOT NULL,
    "join_id" TEXT NULL,
    "last_error" TEXT NULL,
    "errors" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "started_at" TEXT NULL,
    "completed_at" TEXT NULL
);
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "ix_api_keys_key_hash" ON "api_keys" ("key_hash");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_api_keys_user_id" ON "api_keys" ("user_id");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_engine_joins_run_id" ON "engine_joins" ("run_id");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_engine_runs_status" ON "engine_runs" ("status");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_engine_runs_type_subject" ON "engine_runs" ("type", "subject");
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "ix_engine_work_items_idempotency_key" ON "engine_work_items" ("idempotency_key");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_engine_work_items_run_id_status" ON "engine_work_items" ("run_id", "status");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_engine_work_items_status_available_at" ON "engine_work_items" ("status", "available_at");
""");
        migrationBuilder.Sql("""
CREATE INDEX "ix_engine_work_items_status_lease_expires_at" ON "engine_work_items" ("status", "lease_expires_at");
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("engine_work_items");
        migrationBuilder.DropTable("engine_joins");
        migrationBuilder.DropTable("engine_runs");
        migrationBuilder.DropTable("api_keys");
    }
}
