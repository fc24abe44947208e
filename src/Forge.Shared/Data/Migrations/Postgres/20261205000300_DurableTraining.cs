using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Forge.Shared.Data.Migrations.Postgres;

/// <summary>
/// Training on the Durable Task Framework: a job's orchestration is <c>training-{id}</c>, so the engine run id goes;
/// pair generations get a row of their own (the engine run was their only record).
/// </summary>
[DbContext(typeof(PostgresForgeDbContext))]
[Migration("20261205000300_DurableTraining")]
public sealed class DurableTraining : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
ALTER TABLE training_jobs DROP COLUMN run_id;
CREATE TABLE pair_generation_runs (
    id uuid NOT NULL,
    user_id character varying(200) NOT NULL,
    provider character varying(50) NOT NULL,
    topics integer NOT NULL,
    plan text NOT NULL,
    status character varying(20) NOT NULL,
    error text,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_pair_generation_runs PRIMARY KEY (id)
);
CREATE INDEX ix_pair_generation_runs_status ON pair_generation_runs (status);
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("pair_generation_runs");
        migrationBuilder.Sql("ALTER TABLE training_jobs ADD COLUMN run_id uuid;");
    }
}
