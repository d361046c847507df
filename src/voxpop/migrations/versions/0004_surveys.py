"""surveys: definitions, versions, responses, links

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import voxpop.kit.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _workspace_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["workspace_id"],
        ["workspaces.id"],
        name=op.f(f"fk_{table}_workspace_id_workspaces"),
        ondelete="CASCADE",
    )


def _survey_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["survey_id"], ["surveys.id"], name=op.f(f"fk_{table}_survey_id_surveys"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "surveys",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("lifecycle_stage", sa.String(length=20), nullable=True),
        sa.Column("touchpoint", sa.String(length=100), nullable=True),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_at", voxpop.kit.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", voxpop.kit.db.UTCDateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        _workspace_fk("surveys"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
        sa.UniqueConstraint("slug", name=op.f("uq_surveys_slug")),
    )
    op.create_index(op.f("ix_surveys_workspace_id"), "surveys", ["workspace_id"], unique=False)
    op.create_table(
        "survey_versions",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("survey_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("definition", JSON, nullable=False),
        sa.Column("created_at", voxpop.kit.db.UTCDateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        _survey_fk("survey_versions"),
        _workspace_fk("survey_versions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_versions")),
        sa.UniqueConstraint("survey_id", "number", name=op.f("uq_survey_versions_survey_id_number")),
    )
    op.create_table(
        "survey_invitations",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("survey_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("customer_ref", JSON, nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("hidden", JSON, nullable=False),
        sa.Column("email_id", sa.Uuid(), nullable=True),
        sa.Column("invited_at", voxpop.kit.db.UTCDateTime(), nullable=False),
        sa.Column("reminded_at", voxpop.kit.db.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_survey_invitations_customer_id_customers"),
            ondelete="CASCADE",
        ),
        _survey_fk("survey_invitations"),
        _workspace_fk("survey_invitations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_invitations")),
        sa.UniqueConstraint("token", name=op.f("uq_survey_invitations_token")),
    )
    op.create_index(
        op.f("ix_survey_invitations_customer_id"), "survey_invitations", ["customer_id"], unique=False
    )
    op.create_index(
        op.f("ix_survey_invitations_survey_id"), "survey_invitations", ["survey_id"], unique=False
    )
    op.create_table(
        "survey_responses",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("survey_id", sa.Uuid(), nullable=False),
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("invitation_id", sa.Uuid(), nullable=True),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("hidden", JSON, nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=True),
        sa.Column("next_page", sa.Integer(), nullable=True),
        sa.Column("started_at", voxpop.kit.db.UTCDateTime(), nullable=False),
        sa.Column("completed_at", voxpop.kit.db.UTCDateTime(), nullable=True),
        sa.Column("updated_at", voxpop.kit.db.UTCDateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["survey_invitations.id"],
            name=op.f("fk_survey_responses_invitation_id_survey_invitations"),
            ondelete="CASCADE",
        ),
        _survey_fk("survey_responses"),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["survey_versions.id"],
            name=op.f("fk_survey_responses_version_id_survey_versions"),
            ondelete="CASCADE",
        ),
        _workspace_fk("survey_responses"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_responses")),
        sa.UniqueConstraint("invitation_id", name=op.f("uq_survey_responses_invitation_id")),
        sa.UniqueConstraint("key", name=op.f("uq_survey_responses_key")),
    )
    op.create_index(
        "ix_survey_responses_survey_started", "survey_responses", ["survey_id", "started_at"], unique=False
    )
    op.create_table(
        "survey_unsubscribes",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", voxpop.kit.db.UTCDateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_survey_unsubscribes_customer_id_customers"),
            ondelete="CASCADE",
        ),
        _workspace_fk("survey_unsubscribes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_unsubscribes")),
        sa.UniqueConstraint(
            "workspace_id", "customer_id", name=op.f("uq_survey_unsubscribes_workspace_id_customer_id")
        ),
    )

    op.create_table(
        "survey_suppressions",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("survey_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("rule", sa.String(length=30), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.Column("created_at", voxpop.kit.db.UTCDateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_survey_suppressions_customer_id_customers"),
            ondelete="CASCADE",
        ),
        _survey_fk("survey_suppressions"),
        _workspace_fk("survey_suppressions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_suppressions")),
    )
    op.create_index(
        op.f("ix_survey_suppressions_survey_id"), "survey_suppressions", ["survey_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_survey_suppressions_survey_id"), table_name="survey_suppressions")
    op.drop_table("survey_suppressions")
    op.drop_table("survey_unsubscribes")
    op.drop_index("ix_survey_responses_survey_started", table_name="survey_responses")
    op.drop_table("survey_responses")
    op.drop_index(op.f("ix_survey_invitations_survey_id"), table_name="survey_invitations")
    op.drop_index(op.f("ix_survey_invitations_customer_id"), table_name="survey_invitations")
    op.drop_table("survey_invitations")
    op.drop_table("survey_versions")
    op.drop_index(op.f("ix_surveys_workspace_id"), table_name="surveys")
    op.drop_table("surveys")
