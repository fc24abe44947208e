using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Forge.Shared.Data.Migrations.Postgres;

/// <summary>Business domains and generation templates (seed 001).</summary>
[DbContext(typeof(PostgresForgeDbContext))]
[Migration("20261122000200_DomainsAndTemplates")]
public sealed class DomainsAndTemplates : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE domains (
    id uuid NOT NULL,
    name character varying(100) NOT NULL,
    slug character varying(100) NOT NULL,
    description text,
    config json NOT NULL,
    is_active boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_domains PRIMARY KEY (id)
);
""");
        migrationBuilder.Sql("""
CREATE TABLE templates (
    id uuid NOT NULL,
    domain_id uuid NOT NULL,
    use_case character varying(100),
    name character varying(100) NOT NULL,
    system_prompt text NOT NULL,
    user_prompt_template text NOT NULL,
    target_model_family character varying(100),
    config json NOT NULL,
    is_active boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_templates PRIMARY KEY (id),
    CONSTRAINT fk_templates_domains_domain_id FOREIGN KEY (domain_id) REFERENCES domains (id) ON DELETE RESTRICT
);
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX ix_domains_slug ON domains (slug);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_templates_domain_id_use_case ON templates (domain_id, use_case);
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("templates");
        migrationBuilder.DropTable("domains");
    }
}
