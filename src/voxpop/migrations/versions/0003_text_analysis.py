"""text analysis: analyses, sentences, themes, signals

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import voxpop.kit.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "themes",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("merged_into_id", sa.Uuid(), nullable=True),
        sa.Column("centroid", sa.LargeBinary(), nullable=False),
        sa.Column(
            "phrases",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", voxpop.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", voxpop.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["themes.id"],
            name=op.f("fk_themes_merged_into_id_themes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["themes.id"], name=op.f("fk_themes_parent_id_themes"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_themes_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_themes")),
    )
    op.create_index("ix_themes_workspace_status", "themes", ["workspace_id", "status"], unique=False)
    op.create_table(
        "text_analyses",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("feedback_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=300), nullable=False),
        sa.Column("themes_version", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("supported", sa.Boolean(), nullable=False),
        sa.Column("sentiment_label", sa.String(length=10), nullable=True),
        sa.Column("sentiment_score", sa.Float(), nullable=True),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("analysed_at", voxpop.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source_updated_at", voxpop.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["feedback.id"],
            name=op.f("fk_text_analyses_feedback_id_feedback"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_text_analyses_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_analyses")),
        sa.UniqueConstraint("feedback_id", name=op.f("uq_text_analyses_feedback_id")),
    )
    op.create_index(
        "ix_text_analyses_workspace_version", "text_analyses", ["workspace_id", "version"], unique=False
    )
    op.create_table(
        "text_sentences",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("feedback_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("sentiment_label", sa.String(length=10), nullable=True),
        sa.Column("sentiment_score", sa.Float(), nullable=True),
        sa.Column("embedding", sa.LargeBinary(), nullable=False),
        sa.Column("theme_id", sa.Uuid(), nullable=True),
        sa.Column("theme_similarity", sa.Float(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["feedback.id"],
            name=op.f("fk_text_sentences_feedback_id_feedback"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["themes.id"], name=op.f("fk_text_sentences_theme_id_themes"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_text_sentences_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_sentences")),
    )
    op.create_index("ix_text_sentences_feedback", "text_sentences", ["feedback_id", "position"], unique=False)
    op.create_index(
        "ix_text_sentences_workspace_theme", "text_sentences", ["workspace_id", "theme_id"], unique=False
    )
    op.create_table(
        "text_signals",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("feedback_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("detail", sa.String(length=50), nullable=False),
        sa.Column("sentence_position", sa.Integer(), nullable=False),
        sa.Column("phrase", sa.String(length=300), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["feedback.id"],
            name=op.f("fk_text_signals_feedback_id_feedback"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_text_signals_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_signals")),
    )
    op.create_index(op.f("ix_text_signals_feedback_id"), "text_signals", ["feedback_id"], unique=False)
    op.create_index("ix_text_signals_workspace_kind", "text_signals", ["workspace_id", "kind"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_text_signals_workspace_kind", table_name="text_signals")
    op.drop_index(op.f("ix_text_signals_feedback_id"), table_name="text_signals")
    op.drop_table("text_signals")
    op.drop_index("ix_text_sentences_workspace_theme", table_name="text_sentences")
    op.drop_index("ix_text_sentences_feedback", table_name="text_sentences")
    op.drop_table("text_sentences")
    op.drop_index("ix_text_analyses_workspace_version", table_name="text_analyses")
    op.drop_table("text_analyses")
    op.drop_index("ix_themes_workspace_status", table_name="themes")
    op.drop_table("themes")
