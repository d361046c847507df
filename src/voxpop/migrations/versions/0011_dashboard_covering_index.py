"""the dashboards' (workspace, channel, time) index covers the scores on SQLite too

0006 made it covering on PostgreSQL (INCLUDE) but a plain three-column index on SQLite, which has no INCLUDE:
there every matching record cost a lookup in the table. The covered columns now follow the three as key
columns on both stores, so both answer the three-filter dashboards from the index alone
(docs/benchmarks.md).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_feedback_workspace_channel_received"
KEYS = ["workspace_id", "channel", "received_at"]
COVERED = ["customer_id", "nps", "csat", "ces", "rating", "lifecycle_stage"]


def upgrade() -> None:
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(NAME)
        batch_op.create_index(NAME, [*KEYS, *COVERED], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(NAME)
        batch_op.create_index(NAME, KEYS, unique=False, postgresql_include=COVERED)
