using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Forge.Shared.Data.Migrations.Postgres;

/// <summary>A review records who made it as authenticated; a differing <c>reviewer_id</c> from the body is only a label.</summary>
[DbContext(typeof(PostgresForgeDbContext))]
[Migration("20261204001000_ReviewerIdentity")]
public sealed class ReviewerIdentity : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
ALTER TABLE item_reviews ALTER COLUMN reviewer_id TYPE character varying(200);
ALTER TABLE item_reviews ADD COLUMN reviewer_label character varying(100);
ALTER TABLE item_reviews ADD COLUMN auth_method character varying(20);
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn("auth_method", "item_reviews");
        migrationBuilder.DropColumn("reviewer_label", "item_reviews");
    }
}
