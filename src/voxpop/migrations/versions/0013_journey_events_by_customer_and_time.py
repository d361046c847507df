"""a customer's journey events by time: (customer_id, occurred_at) replaces the customer_id index

The journey view's precursors and the `preceded_by` filter look up each answer's customer's events in the days
before it. Without statistics SQLite read them through the workspace's time index: 4.1–5.1 s on the demo company's
30,000 answers and 69,958 events; with this index 0.053–0.057 s (docs/benchmarks.md,
`benchmarks/journey_precursors.py`). The old index is its prefix.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("journey_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_journey_events_customer_occurred", ["customer_id", "occurred_at"], unique=False
        )
        batch_op.drop_index("ix_journey_events_customer_id")


def downgrade() -> None:
    with op.batch_alter_table("journey_events", schema=None) as batch_op:
        batch_op.create_index("ix_journey_events_customer_id", ["customer_id"], unique=False)
        batch_op.drop_index("ix_journey_events_customer_occurred")
