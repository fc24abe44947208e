using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Forge.Shared.Data.Migrations.Sqlite;

/// <summary>
/// Generations and exports run as Durable Task orchestrations: a dataset counts its generations (the instance id's
/// number), keeps what the latest was asked for and its cancel request; an export keeps its csv choice, so a start
/// lost between commit and schedule can be made again from the row alone.
/// </summary>
[DbContext(typeof(SqliteForgeDbContext))]
[Migration("20261205000200_DurableGeneration")]
public sealed class DurableGeneration : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""ALTER TABLE "datasets" ADD COLUMN "generation_number" INTEGER NOT NULL DEFAULT 0;""");
        migrationBuilder.Sql("""ALTER TABLE "datasets" ADD COLUMN "generation_request" TEXT NULL;""");
        migrationBuilder.Sql("""ALTER TABLE "datasets" ADD COLUMN "generation_cancel_requested_at" TEXT NULL;""");
        migrationBuilder.Sql("""ALTER TABLE "dataset_exports" ADD COLUMN "csv_formula_escape" INTEGER NULL;""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn("csv_formula_escape", "dataset_exports");
        migrationBuilder.DropColumn("generation_cancel_requested_at", "datasets");
        migrationBuilder.DropColumn("generation_request", "datasets");
        migrationBuilder.DropColumn("generation_number", "datasets");
    }
}
