using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Forge.Shared.Data.Migrations.Postgres;

/// <summary>The foundation schema: the durable engine's tables and API keys.</summary>
[DbContext(typeof(PostgresForgeDbContext))]
[Migration("20261122000100_Foundation")]
public sealed class Foundation : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE api_keys (
    id uuid NOT NULL,
    user_id character varying(200) NOT NULL,
    name character varying(200) NOT NULL,
    prefix character varying(32) NOT NULL,
    key_hash character varying(128) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    last_used_at timestamp with time zone,
    revoked_at timestamp with time zone,
    CONSTRAINT pk_api_keys PRIMARY KEY (id)
);
""");
        migrationBuilder.Sql("""
CREATE TABLE engine_joins (
    id uuid NOT NULL,
    run_id uuid NOT NULL,
    total integer NOT NULL,
    remaining integer NOT NULL,
    continuation_activity character varying(200) NOT NULL,
    continuation_payload text NOT NULL,
    continuation_key character varying(600) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_engine_joins PRIMARY KEY (id)
);
""");
        migrationBuilder.Sql("""
CREATE TABLE engine_runs (
    id uuid NOT NULL,
    type character varying(200) NOT NULL,
    subject character varying(400),
    status character varying(20) NOT NULL,
    current_step character varying(200),
    progress_done integer NOT NULL,
    progress_total integer NOT NULL,
    state text NOT NULL,
    error text,
    cancel_requested boolean NOT NULL,
    outstanding integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    started_at timestamp with time zone,
    completed_at timestamp with time zone,
    CONSTRAINT pk_engine_runs PRIMARY KEY (id)
);
""");
        migrationBuilder.Sql("""
CREATE TABLE engine_work_items (
    id uuid NOT NULL,
    run_id uuid NOT NULL,
    activity character varying(200) NOT NULL,
    payload text NOT NULL,
    status character varying(20) NOT NULL,
    attempts integer NOT NULL,
    max_attempts integer NOT NULL,
    available_at timestamp with time zone NOT NULL,
    lease_owner character varying(200),
    lease_expires_at timestamp with time zone,
    idempotency_key character varying(600) NOT NULL,
    join_id uuid,
    last_error text,
    errors text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    started_at timestamp with time zone,
    completed_at timestamp with time zone,
    CONSTRAINT pk_engine_work_items PRIMARY KEY (id)
);
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX ix_api_keys_key_hash ON api_keys (key_hash);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_api_keys_user_id ON api_keys (user_id);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_engine_joins_run_id ON engine_joins (run_id);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_engine_runs_status ON engine_runs (status);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_engine_runs_type_subject ON engine_runs (type, subject);
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX ix_engine_work_items_idempotency_key ON engine_work_items (idempotency_key);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_engine_work_items_run_id_status ON engine_work_items (run_id, status);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_engine_work_items_status_available_at ON engine_work_items (status, available_at);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_engine_work_items_status_lease_expires_at ON engine_work_items (status, lease_expires_at);
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
