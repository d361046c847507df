"""survey contact rules per workspace: invitations per period and the quiet period after an answer

A workspace without a row keeps the `VOXPOP_SURVEY_*` defaults, so nothing is copied here.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import voxpop.kit.db

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "survey_contact_rules",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("max_invitations", sa.Integer(), nullable=False),
        sa.Column("period_days", sa.Integer(), nullable=False),
        sa.Column("quiet_days_after_answer", sa.Integer(), nullable=False),
        sa.Column("updated_at", voxpop.kit.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "max_invitations BETWEEN 1 AND 100", name=op.f("ck_survey_contact_rules_max_invitations")
        ),
        sa.CheckConstraint("period_days BETWEEN 1 AND 365", name=op.f("ck_survey_contact_rules_period_days")),
        sa.CheckConstraint(
            "quiet_days_after_answer BETWEEN 0 AND 365",
            name=op.f("ck_survey_contact_rules_quiet_days_after_answer"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_survey_contact_rules_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_survey_contact_rules")),
    )


def downgrade() -> None:
    op.drop_table("survey_contact_rules")
