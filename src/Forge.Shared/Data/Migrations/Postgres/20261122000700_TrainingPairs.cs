using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Forge.Shared.Data.Migrations.Postgres;

/// <summary>Video-script training pairs (seed 000) with their hashtags, hook variants and scenes.</summary>
[DbContext(typeof(PostgresForgeDbContext))]
[Migration("20261122000700_TrainingPairs")]
public sealed class TrainingPairs : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE training_pairs (
    id uuid NOT NULL,
    pair_id character varying(200) NOT NULL,
    topic character varying(500),
    category character varying(200),
    duration_seconds integer,
    score integer,
    user_prompt text,
    system_prompt text,
    target_audience character varying(500),
    content_style character varying(200),
    status character varying(20) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    created_by character varying(200) NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    updated_by character varying(200) NOT NULL,
    CONSTRAINT pk_training_pairs PRIMARY KEY (id)
);
""");
        migrationBuilder.Sql("""
CREATE TABLE training_pair_hashtags (
    id uuid NOT NULL,
    training_pair_id uuid NOT NULL,
    name character varying(100) NOT NULL,
    position integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    created_by character varying(200) NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    updated_by character varying(200) NOT NULL,
    CONSTRAINT pk_training_pair_hashtags PRIMARY KEY (id),
    CONSTRAINT fk_training_pair_hashtags_training_pairs_training_pair_id FOREIGN KEY (training_pair_id) REFERENCES training_pairs (id) ON DELETE CASCADE
);
""");
        migrationBuilder.Sql("""
CREATE TABLE training_pair_hook_variants (
    id uuid NOT NULL,
    hook_variant integer,
    training_pair_id uuid NOT NULL,
    scene_number integer,
    scene_type character varying(100),
    timestamp character varying(50),
    text_overlay text,
    voiceover text,
    visual text,
    tip text,
    order_index integer,
    created_at timestamp with time zone NOT NULL,
    created_by character varying(200) NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    updated_by character varying(200) NOT NULL,
    CONSTRAINT pk_training_pair_hook_variants PRIMARY KEY (id),
    CONSTRAINT fk_training_pair_hook_variants_training_pairs_training_pair_id FOREIGN KEY (training_pair_id) REFERENCES training_pairs (id) ON DELETE CASCADE
);
""");
        migrationBuilder.Sql("""
CREATE TABLE training_pair_scenes (
    id uuid NOT NULL,
    training_pair_id uuid NOT NULL,
    scene_number integer,
    scene_type character varying(100),
    timestamp character varying(50),
    text_overlay text,
    voiceover text,
    visual text,
    tip text,
    order_index integer,
    created_at timestamp with time zone NOT NULL,
    created_by character varying(200) NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    updated_by character varying(200) NOT NULL,
    CONSTRAINT pk_training_pair_scenes PRIMARY KEY (id),
    CONSTRAINT fk_training_pair_scenes_training_pairs_training_pair_id FOREIGN KEY (training_pair_id) REFERENCES training_pairs (id) ON DELETE CASCADE
);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_training_pair_hashtags_training_pair_id ON training_pair_hashtags (training_pair_id);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_training_pair_hook_variants_training_pair_id ON training_pair_hook_variants (training_pair_id);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_training_pair_scenes_training_pair_id ON training_pair_scenes (training_pair_id);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_training_pairs_created_by_created_at ON training_pairs (created_by, created_at);
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX ix_training_pairs_created_by_pair_id ON training_pairs (created_by, pair_id);
""");
        migrationBuilder.Sql("""
CREATE INDEX ix_training_pairs_created_by_status_created_at ON training_pairs (created_by, status, created_at);
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("training_pair_scenes");
        migrationBuilder.DropTable("training_pair_hook_variants");
        migrationBuilder.DropTable("training_pair_hashtags");
        migrationBuilder.DropTable("training_pairs");
    }
}
