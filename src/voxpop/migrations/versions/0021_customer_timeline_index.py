"""customer timeline index: a customer's records newest first, read a keyset page at a time, with their
channels and kinds (the timeline's filters counted from the index alone); it replaces the index on
customer_id, which it begins with

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_feedback_customer_id", table_name="feedback")
    op.create_index(
        "ix_feedback_customer_received", "feedback", ["customer_id", "received_at", "id", "channel", "kind"]
    )


def downgrade() -> None:
    op.drop_index("ix_feedback_customer_received", table_name="feedback")
    op.create_index("ix_feedback_customer_id", "feedback", ["customer_id"])
