"""Tables of rules: the rules themselves, each time one matched, the tags they put on records, and which
records have been evaluated (so a record is tested once, and again only when it changes)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from voxpop.kit import clock
from voxpop.kit.db import Base, IdMixin, JSONType


class Subject:
    FEEDBACK = "feedback"
    INSIGHT = "insight"


class Rule(IdMixin, Base):
    """Conditions on a feedback record or an insight, and the actions to take when all of them hold.
    `enabled_at` is when the rule was last switched on: it acts only on what arrives from then on."""

    __tablename__ = "rules"

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(20))
    conditions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    actions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    enabled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)


class RuleMatch(IdMixin, Base):
    """One rule matching one record or one insight. Unique per pair: a rerun, a second worker or a changed
    record never makes a rule act twice on the same thing."""

    __tablename__ = "rule_matches"
    __table_args__ = (
        UniqueConstraint("rule_id", "feedback_id"),
        UniqueConstraint("rule_id", "insight_id"),
        Index("ix_rule_matches_workspace_matched", "workspace_id", "matched_at"),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    rule_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rules.id", ondelete="CASCADE"))
    feedback_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("feedback.id", ondelete="CASCADE"), index=True
    )
    insight_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("insights.id", ondelete="CASCADE"))
    matched_at: Mapped[datetime] = mapped_column(default=clock.now)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class RecordTag(IdMixin, Base):
    """A tag a rule put on a feedback record; the rule is kept for provenance while it exists."""

    __tablename__ = "record_tags"

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    feedback_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"), index=True)
    tag: Mapped[str] = mapped_column(String(50))
    rule_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("rules.id", ondelete="SET NULL"))
    tagged_at: Mapped[datetime] = mapped_column(default=clock.now)


class RuleEvaluation(Base):
    """A record the rules have been tested against, as it was (`record_updated_at`) when they were."""

    __tablename__ = "rule_evaluations"

    feedback_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("feedback.id", ondelete="CASCADE"), primary_key=True
    )
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    record_updated_at: Mapped[datetime]
    evaluated_at: Mapped[datetime] = mapped_column(default=clock.now)
