"""one open case per customer, held by a partial unique index

The case service looks for the customer's open case before opening one; two evaluations at the same moment
could both miss each other's. The index makes the second fail, and the service then joins the first.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "uq_cases_open_case_of_customer"
OPEN = sa.text("status IN ('new', 'contacted', 'in_progress')")


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(
            NAME,
            ["workspace_id", "customer_id"],
            unique=True,
            postgresql_where=OPEN,
            sqlite_where=OPEN,
        )


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(NAME)
