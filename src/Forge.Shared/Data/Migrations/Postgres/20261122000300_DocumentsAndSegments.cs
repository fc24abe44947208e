using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Forge.Shared.Data.Migrations.Postgres;

/// <summary>Documents, their processing versions and segments (seed 001).</summary>
[DbContext(typeof(PostgresForgeDbContext))]
[Migration("20261122000300_DocumentsAndSegments")]
public sealed class DocumentsAndSegments : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE documents (
    id uuid NOT NULL,
    domain_id uuid NOT NULL,
    use_case character varying(100),
    filename character varying(255) NOT NULL,
    original_filename character varying(1024) NOT NULL,
    s3_key character varying(1024) NOT NULL,
    content_type character varying(200) NOT NULL,
    file_size bigint NOT NULL,
    status character varying(20) NOT NULL,
    metadata json NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_documents PRIMARY KEY (id),
    CONSTRAINT fk_documents_domains_domain_id FOREIGN KEY (domain_id) REFERENCES domains (id) ON DELETE RESTRICT
);
""");
        migrationBuilder.Sql("""
CREATE TABLE document_versions (
    id uuid NOT NULL,
    document_id uuid NOT NULL,
    number integer NOT NULL,
    segment_type character varying(50) NOT NULL,
    segment_config json NOT NULL,
    status character varying(20) NOT NULL,
    error text,
    created_at timestamp with time zone NOT NULL,
    completed_at timestamp with time zone,
    CONSTRAINT pk_document_versions PRIMARY KEY (id),
    CONSTRAINT fk_document_versions_documents_document_id FOREIGN KEY (document_id) REFERENCES documents (id) ON DELETE CASCADE
);
""");
        migrationBuilder.Sql("""
CREATE TABLE segments (
    id uuid NOT NULL,
    domain_id uuid NOT NULL,
    document_id uuid NOT NULL,
    document_version_id uuid NOT NULL,
    use_case character varying(100),
    segment_type character varying(50) NOT NULL,
    content text NOT NULL,
    position integer NOT NULL,
    metadata json NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_segments PRIMARY KEY (id),
    CONSTRAINT fk_segments_document_versions_document_version_id FOREIGN KEY (document_version_id) REFERENCES document_versions (id) ON DELETE CASCADE
);
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX ix_document_versions_document_id_number ON document_versions (document_id, number);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_documents_domain_id_created_at ON documents (domain_id, created_at);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_segments_document_id ON segments (document_id);
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX ix_segments_document_version_id_position ON segments (document_version_id, position);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_segments_domain_id_segment_type ON segments (domain_id, segment_type);
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("segments");
        migrationBuilder.DropTable("document_versions");
        migrationBuilder.DropTable("documents");
    }
}
