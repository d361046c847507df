"""unsubscribes that outlive an erasure: keyed hashes of the erased customer's email addresses

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import voxpop.kit.db

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "survey_unsubscribed_addresses",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("unsubscribed_at", voxpop.kit.db.UTCDateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_survey_unsubscribed_addresses_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_unsubscribed_addresses")),
        sa.UniqueConstraint(
            "workspace_id",
            "address_hash",
            name=op.f("uq_survey_unsubscribed_addresses_workspace_id_address_hash"),
        ),
    )


def downgrade() -> None:
    op.drop_table("survey_unsubscribed_addresses")
