"""sentence recency index: search by meaning reads a workspace's sentences newest first

"More like this" scores at most `text.explore.SEARCH_BUDGET` of the chosen records' sentences, the most recent
first (sentence ids are time-ordered UUIDv7), so its time stays bounded however many a workspace holds. This
index gives that order without sorting every sentence of the workspace, and holds each sentence's record, so a
search narrowed by the analytics filters tests its records in the index and reads only matching sentences.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_text_sentences_workspace_recent", "text_sentences", ["workspace_id", "id", "feedback_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_text_sentences_workspace_recent", table_name="text_sentences")
