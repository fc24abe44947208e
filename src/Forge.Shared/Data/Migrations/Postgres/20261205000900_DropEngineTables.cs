using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Forge.Shared.Data.Migrations.Postgres;

/// <summary>
/// The home-made engine's queue is gone: long work runs on the Durable Task Framework, whose state lives in the
/// task hub (Azure Storage), not in Forge's database. A run left in these tables by an older Forge is not moved:
/// the lifecycles' reconcilers restart every resource still in progress.
/// </summary>
[DbContext(typeof(PostgresForgeDbContext))]
[Migration("20261205000900_DropEngineTables")]
public sealed class DropEngineTables : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
DROP TABLE IF EXISTS engine_joins;
DROP TABLE IF EXISTS engine_work_items;
DROP TABLE IF EXISTS engine_runs;
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("The engine's tables are not restored: its runs moved to the Durable Task task hub.");
}
