"""sign-in failures: throttle repeated wrong passwords per account and per network address

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import voxpop.kit.db

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", voxpop.kit.db.UTCDateTime(), nullable=False),
        sa.Column("blocked_until", voxpop.kit.db.UTCDateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("sign_in_failures")
