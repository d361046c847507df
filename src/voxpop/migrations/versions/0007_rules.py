"""rules: rules, their matches, the tags they put on records, and which records were evaluated

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import voxpop.kit.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _workspace_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["workspace_id"],
        ["workspaces.id"],
        name=op.f(f"fk_{table}_workspace_id_workspaces"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "rules",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=20), nullable=False),
        sa.Column("conditions", _json(), nullable=False),
        sa.Column("actions", _json(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("enabled_at", voxpop.kit.db.UTCDateTime(), nullable=True),
        sa.Column("created_at", voxpop.kit.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", voxpop.kit.db.UTCDateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        _workspace_fk("rules"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rules")),
    )
    with op.batch_alter_table("rules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rules_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "rule_matches",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("rule_id", sa.Uuid(), nullable=False),
        sa.Column("feedback_id", sa.Uuid(), nullable=True),
        sa.Column("insight_id", sa.Uuid(), nullable=True),
        sa.Column("matched_at", voxpop.kit.db.UTCDateTime(), nullable=False),
        sa.Column("details", _json(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["feedback.id"],
            name=op.f("fk_rule_matches_feedback_id_feedback"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["insight_id"],
            ["insights.id"],
            name=op.f("fk_rule_matches_insight_id_insights"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["rules.id"], name=op.f("fk_rule_matches_rule_id_rules"), ondelete="CASCADE"
        ),
        _workspace_fk("rule_matches"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_matches")),
        sa.UniqueConstraint("rule_id", "feedback_id", name=op.f("uq_rule_matches_rule_id_feedback_id")),
        sa.UniqueConstraint("rule_id", "insight_id", name=op.f("uq_rule_matches_rule_id_insight_id")),
    )
    with op.batch_alter_table("rule_matches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rule_matches_feedback_id"), ["feedback_id"], unique=False)
        batch_op.create_index(
            "ix_rule_matches_workspace_matched", ["workspace_id", "matched_at"], unique=False
        )

    op.create_table(
        "record_tags",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("feedback_id", sa.Uuid(), nullable=False),
        sa.Column("tag", sa.String(length=50), nullable=False),
        sa.Column("rule_id", sa.Uuid(), nullable=True),
        sa.Column("tagged_at", voxpop.kit.db.UTCDateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["feedback.id"],
            name=op.f("fk_record_tags_feedback_id_feedback"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["rules.id"], name=op.f("fk_record_tags_rule_id_rules"), ondelete="SET NULL"
        ),
        _workspace_fk("record_tags"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_tags")),
    )
    with op.batch_alter_table("record_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_tags_feedback_id"), ["feedback_id"], unique=False)

    op.create_table(
        "rule_evaluations",
        sa.Column("feedback_id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("record_updated_at", voxpop.kit.db.UTCDateTime(), nullable=False),
        sa.Column("evaluated_at", voxpop.kit.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["feedback.id"],
            name=op.f("fk_rule_evaluations_feedback_id_feedback"),
            ondelete="CASCADE",
        ),
        _workspace_fk("rule_evaluations"),
        sa.PrimaryKeyConstraint("feedback_id", name=op.f("pk_rule_evaluations")),
    )


def downgrade() -> None:
    op.drop_table("rule_evaluations")
    with op.batch_alter_table("record_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_tags_feedback_id"))
    op.drop_table("record_tags")
    with op.batch_alter_table("rule_matches", schema=None) as batch_op:
        batch_op.drop_index("ix_rule_matches_workspace_matched")
        batch_op.drop_index(batch_op.f("ix_rule_matches_feedback_id"))
    op.drop_table("rule_matches")
    with op.batch_alter_table("rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rules_workspace_id"))
    op.drop_table("rules")
