"""import runner: one running import per file (a lease on the import, and a key unique while it runs)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import voxpop.kit.db

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("imports") as batch:
        batch.add_column(sa.Column("active_key", sa.String(64), nullable=True))
        batch.add_column(sa.Column("runner", sa.String(64), nullable=True))
        batch.add_column(sa.Column("lease_until", voxpop.kit.db.UTCDateTime(), nullable=True))
        batch.create_unique_constraint("uq_imports_workspace_id_active_key", ["workspace_id", "active_key"])


def downgrade() -> None:
    with op.batch_alter_table("imports") as batch:
        batch.drop_constraint("uq_imports_workspace_id_active_key", type_="unique")
        batch.drop_column("lease_until")
        batch.drop_column("runner")
        batch.drop_column("active_key")
