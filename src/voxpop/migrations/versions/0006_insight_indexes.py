"""insight indexes; report subscriptions and sent weekly reports

The covering index for dashboards filtered by channel and time (docs/benchmarks.md: the three-filter query
fell from p95 233 to 53 ms at 1M on PostgreSQL); it starts with the old (workspace_id, channel) index's
columns, so that index goes. SQLite has no INCLUDE: there it is a plain three-column index.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import voxpop.kit.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COVERED = ["nps", "csat", "ces", "rating", "customer_id", "lifecycle_stage"]


def upgrade() -> None:
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index(
            "ix_feedback_workspace_channel_received",
            ["workspace_id", "channel", "received_at"],
            unique=False,
            postgresql_include=COVERED,
        )
        batch_op.drop_index("ix_feedback_workspace_channel")
    op.create_table(
        "report_subscriptions",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", voxpop.kit.db.UTCDateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_report_subscriptions_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_report_subscriptions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_subscriptions")),
        sa.UniqueConstraint(
            "workspace_id", "user_id", name=op.f("uq_report_subscriptions_workspace_id_user_id")
        ),
    )
    with op.batch_alter_table("report_subscriptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_subscriptions_user_id"), ["user_id"], unique=False)
    op.create_table(
        "weekly_reports",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("sent_at", voxpop.kit.db.UTCDateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_weekly_reports_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weekly_reports")),
        sa.UniqueConstraint(
            "workspace_id", "week_start", name=op.f("uq_weekly_reports_workspace_id_week_start")
        ),
    )


def downgrade() -> None:
    op.drop_table("weekly_reports")
    with op.batch_alter_table("report_subscriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_subscriptions_user_id"))
    op.drop_table("report_subscriptions")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_workspace_channel", ["workspace_id", "channel"], unique=False)
        batch_op.drop_index("ix_feedback_workspace_channel_received")
