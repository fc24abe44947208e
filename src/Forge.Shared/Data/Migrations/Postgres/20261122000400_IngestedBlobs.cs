using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Forge.Shared.Data.Migrations.Postgres;

/// <summary>Blobs dropped under incoming/ that have been ingested (or refused), once per version.</summary>
[DbContext(typeof(PostgresForgeDbContext))]
[Migration("20261122000400_IngestedBlobs")]
public sealed class IngestedBlobs : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE ingested_blobs (
    id uuid NOT NULL,
    blob_key character varying(1024) NOT NULL,
    e_tag character varying(200) NOT NULL,
    status character varying(20) NOT NULL,
    reason text,
    document_id uuid,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_ingested_blobs PRIMARY KEY (id)
);
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX ix_ingested_blobs_blob_key_e_tag ON ingested_blobs (blob_key, e_tag);
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("ingested_blobs");
    }
}
