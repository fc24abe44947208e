using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Forge.Shared.Data.Migrations.Postgres;

/// <summary>Datasets, their items (unique per segment and variant), skipped generations, review history and exports.</summary>
[DbContext(typeof(PostgresForgeDbContext))]
[Migration("20261122000500_Datasets")]
public sealed class Datasets : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE datasets (
    id uuid NOT NULL,
    domain_id uuid NOT NULL,
    template_id uuid,
    use_case character varying(100),
    name character varying(200) NOT NULL,
    description text,
    provider character varying(50) NOT NULL,
    target_model_family character varying(100),
    status character varying(20) NOT NULL,
    version integer NOT NULL,
    generation_config json NOT NULL,
    segment_filter json NOT NULL,
    auto_export json,
    generation_run_id uuid,
    generation_planned integer NOT NULL,
    generator character varying(50),
    generator_note text,
    generation_error text,
    generation_started_at timestamp with time zone,
    generation_completed_at timestamp with time zone,
    last_export_version integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_datasets PRIMARY KEY (id),
    CONSTRAINT fk_datasets_domains_domain_id FOREIGN KEY (domain_id) REFERENCES domains (id) ON DELETE RESTRICT,
    CONSTRAINT fk_datasets_templates_template_id FOREIGN KEY (template_id) REFERENCES templates (id) ON DELETE RESTRICT
);
""");
        migrationBuilder.Sql("""
CREATE TABLE dataset_exports (
    id uuid NOT NULL,
    dataset_id uuid NOT NULL,
    export_version integer NOT NULL,
    format character varying(10) NOT NULL,
    schema character varying(10) NOT NULL,
    s3_key character varying(1024) NOT NULL,
    manifest_key character varying(1024) NOT NULL,
    status character varying(20) NOT NULL,
    approved_only boolean NOT NULL,
    min_quality_score double precision,
    filters_applied json NOT NULL,
    item_count integer NOT NULL,
    skipped_count integer NOT NULL,
    file_bytes bigint,
    file_sha256 character varying(64),
    trigger character varying(10) NOT NULL,
    error text,
    created_at timestamp with time zone NOT NULL,
    completed_at timestamp with time zone,
    CONSTRAINT pk_dataset_exports PRIMARY KEY (id),
    CONSTRAINT fk_dataset_exports_datasets_dataset_id FOREIGN KEY (dataset_id) REFERENCES datasets (id) ON DELETE CASCADE
);
""");
        migrationBuilder.Sql("""
CREATE TABLE dataset_item_skips (
    id uuid NOT NULL,
    dataset_id uuid NOT NULL,
    segment_id uuid NOT NULL,
    variant integer NOT NULL,
    generation_run_id uuid NOT NULL,
    reason character varying(50) NOT NULL,
    detail text,
    prompt_tokens integer NOT NULL,
    completion_tokens integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_dataset_item_skips PRIMARY KEY (id),
    CONSTRAINT fk_dataset_item_skips_datasets_dataset_id FOREIGN KEY (dataset_id) REFERENCES datasets (id) ON DELETE CASCADE
);
""");
        migrationBuilder.Sql("""
CREATE TABLE dataset_items (
    id uuid NOT NULL,
    dataset_id uuid NOT NULL,
    segment_id uuid NOT NULL,
    document_id uuid NOT NULL,
    variant integer NOT NULL,
    generation_run_id uuid,
    template_id uuid,
    instruction text NOT NULL,
    input_text text NOT NULL,
    ideal_response text NOT NULL,
    bad_response text,
    explanation text,
    quality_score double precision NOT NULL,
    quality_flags json NOT NULL,
    review_status character varying(20) NOT NULL,
    generator character varying(50) NOT NULL,
    model character varying(200),
    prompt_tokens integer NOT NULL,
    completion_tokens integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    reviewed_at timestamp with time zone,
    CONSTRAINT pk_dataset_items PRIMARY KEY (id),
    CONSTRAINT fk_dataset_items_datasets_dataset_id FOREIGN KEY (dataset_id) REFERENCES datasets (id) ON DELETE CASCADE
);
""");
        migrationBuilder.Sql("""
CREATE TABLE item_reviews (
    id uuid NOT NULL,
    dataset_item_id uuid NOT NULL,
    dataset_id uuid NOT NULL,
    action character varying(20) NOT NULL,
    reviewer_id character varying(100),
    justification text,
    previous_values json,
    new_values json,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_item_reviews PRIMARY KEY (id),
    CONSTRAINT fk_item_reviews_dataset_items_dataset_item_id FOREIGN KEY (dataset_item_id) REFERENCES dataset_items (id) ON DELETE CASCADE
);
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX ix_dataset_exports_dataset_id_export_version ON dataset_exports (dataset_id, export_version);
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX ix_dataset_item_skips_dataset_id_segment_id_variant ON dataset_item_skips (dataset_id, segment_id, variant);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_dataset_item_skips_generation_run_id ON dataset_item_skips (generation_run_id);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_dataset_items_dataset_id_review_status_created_at ON dataset_items (dataset_id, review_status, created_at);
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX ix_dataset_items_dataset_id_segment_id_variant ON dataset_items (dataset_id, segment_id, variant);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_dataset_items_generation_run_id ON dataset_items (generation_run_id);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_datasets_domain_id_created_at ON datasets (domain_id, created_at);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_datasets_template_id ON datasets (template_id);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_item_reviews_dataset_item_id_created_at ON item_reviews (dataset_item_id, created_at);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_dataset_items_dataset_id_created_at ON dataset_items (dataset_id, created_at);
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("item_reviews");
        migrationBuilder.DropTable("dataset_exports");
        migrationBuilder.DropTable("dataset_item_skips");
        migrationBuilder.DropTable("dataset_items");
        migrationBuilder.DropTable("datasets");
    }
}
