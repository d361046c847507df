"""survey reminders on a schedule: how many reminders an invitation had; suppressions say what was stopped

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("survey_invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminders_sent", sa.Integer(), nullable=False, server_default="0"))
    op.execute("UPDATE survey_invitations SET reminders_sent = 1 WHERE reminded_at IS NOT NULL")
    with op.batch_alter_table("survey_suppressions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=12), nullable=False, server_default="invitation")
        )
        batch_op.create_index(batch_op.f("ix_survey_suppressions_customer_id"), ["customer_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("survey_suppressions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_suppressions_customer_id"))
        batch_op.drop_column("kind")
    with op.batch_alter_table("survey_invitations", schema=None) as batch_op:
        batch_op.drop_column("reminders_sent")
