using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Forge.Shared.Data.Migrations.Sqlite;

/// <summary>
/// Training on the Durable Task Framework: a job's orchestration is <c>training-{id}</c>, so the engine run id goes;
/// pair generations get a row of their own (the engine run was their only record).
/// </summary>
[DbContext(typeof(SqliteForgeDbContext))]
[Migration("20261205000300_DurableTraining")]
public sealed class DurableTraining : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""ALTER TABLE "training_jobs" DROP COLUMN "run_id";""");
        migrationBuilder.Sql("""
CREATE TABLE "pair_generation_runs" (
    "id" TEXT NOT NULL CONSTRAINT "pk_pair_generation_runs" PRIMARY KEY,
    "user_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "topics" INTEGER NOT NULL,
    "plan" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "error" TEXT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL
);
""");
        migrationBuilder.Sql("""CREATE INDEX "ix_pair_generation_runs_status" ON "pair_generation_runs" ("status");""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("pair_generation_runs");
        migrationBuilder.Sql("""ALTER TABLE "training_jobs" ADD COLUMN "run_id" TEXT NULL;""");
    }
}
