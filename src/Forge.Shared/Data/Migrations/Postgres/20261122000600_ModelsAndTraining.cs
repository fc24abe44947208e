using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Forge.Shared.Data.Migrations.Postgres;

/// <summary>Registered models, their training jobs and the jobs' events.</summary>
[DbContext(typeof(PostgresForgeDbContext))]
[Migration("20261122000600_ModelsAndTraining")]
public sealed class ModelsAndTraining : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE models (
    id uuid NOT NULL,
    domain_id uuid,
    name character varying(200) NOT NULL,
    base_model character varying(200) NOT NULL,
    provider character varying(50) NOT NULL,
    model_family character varying(100),
    version character varying(100),
    status character varying(20) NOT NULL,
    config json NOT NULL,
    capabilities json NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_models PRIMARY KEY (id),
    CONSTRAINT fk_models_domains_domain_id FOREIGN KEY (domain_id) REFERENCES domains (id) ON DELETE RESTRICT
);
""");
        migrationBuilder.Sql("""
CREATE TABLE training_jobs (
    id uuid NOT NULL,
    model_id uuid NOT NULL,
    dataset_id uuid NOT NULL,
    dataset_export_id uuid NOT NULL,
    status character varying(20) NOT NULL,
    provider character varying(50) NOT NULL,
    external_job_id character varying(300),
    hyperparameters json NOT NULL,
    metrics json NOT NULL,
    error_message text,
    provider_state json NOT NULL,
    run_id uuid,
    cancel_requested boolean NOT NULL,
    cancel_sent_at timestamp with time zone,
    started_at timestamp with time zone,
    completed_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_training_jobs PRIMARY KEY (id),
    CONSTRAINT fk_training_jobs_dataset_exports_dataset_export_id FOREIGN KEY (dataset_export_id) REFERENCES dataset_exports (id) ON DELETE RESTRICT,
    CONSTRAINT fk_training_jobs_datasets_dataset_id FOREIGN KEY (dataset_id) REFERENCES datasets (id) ON DELETE RESTRICT,
    CONSTRAINT fk_training_jobs_models_model_id FOREIGN KEY (model_id) REFERENCES models (id) ON DELETE RESTRICT
);
""");
        migrationBuilder.Sql("""
CREATE TABLE training_job_events (
    id uuid NOT NULL,
    job_id uuid NOT NULL,
    external_id character varying(300) NOT NULL,
    kind character varying(20) NOT NULL,
    message text NOT NULL,
    data json,
    at timestamp with time zone NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_training_job_events PRIMARY KEY (id),
    CONSTRAINT fk_training_job_events_training_jobs_job_id FOREIGN KEY (job_id) REFERENCES training_jobs (id) ON DELETE CASCADE
);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_models_domain_id ON models (domain_id);
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX ix_models_name ON models (name);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_training_job_events_job_id_at ON training_job_events (job_id, at);
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX ix_training_job_events_job_id_external_id ON training_job_events (job_id, external_id);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_training_jobs_dataset_export_id ON training_jobs (dataset_export_id);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_training_jobs_dataset_id ON training_jobs (dataset_id);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_training_jobs_model_id_created_at ON training_jobs (model_id, created_at);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_training_jobs_status ON training_jobs (status);
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("training_job_events");
        migrationBuilder.DropTable("training_jobs");
        migrationBuilder.DropTable("models");
    }
}
