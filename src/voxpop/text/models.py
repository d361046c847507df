"""Tables of text analytics: one analysis per feedback record, its sentences (with embedding, sentiment and
theme), its signals, and the workspace's themes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from voxpop.kit import clock
from voxpop.kit.db import Base, IdMixin


class TextAnalysis(IdMixin, Base):
    """The analysis of one record's text. `version` names the pipeline that made it and `themes_version`
    the theme set its sentences were assigned against; either changing re-analyses in the background."""

    __tablename__ = "text_analyses"
    __table_args__ = (Index("ix_text_analyses_workspace_version", "workspace_id", "version"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    feedback_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"), unique=True)
    version: Mapped[str] = mapped_column(String(300))
    themes_version: Mapped[str] = mapped_column(String(64), default="")
    language: Mapped[str] = mapped_column(String(16))
    supported: Mapped[bool] = mapped_column(Boolean)
    sentiment_label: Mapped[str | None] = mapped_column(String(10))
    sentiment_score: Mapped[float | None] = mapped_column(Float)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    analysed_at: Mapped[datetime] = mapped_column(default=clock.now)
    source_updated_at: Mapped[datetime]
    """The record's `updated_at` when its text was read: a record whose `updated_at` differs has changed since
    (compared for equality, so a clock that goes backwards never makes an analysis look stale forever)."""


class TextSentence(IdMixin, Base):
    __tablename__ = "text_sentences"
    __table_args__ = (
        Index("ix_text_sentences_feedback", "feedback_id", "position"),
        Index("ix_text_sentences_workspace_theme", "workspace_id", "theme_id"),
        Index("ix_text_sentences_workspace_recent", "workspace_id", "id", "feedback_id"),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    feedback_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16))
    sentiment_label: Mapped[str | None] = mapped_column(String(10))
    sentiment_score: Mapped[float | None] = mapped_column(Float)
    embedding: Mapped[bytes] = mapped_column(LargeBinary)
    theme_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    theme_similarity: Mapped[float | None] = mapped_column(Float)


class TextSignal(IdMixin, Base):
    __tablename__ = "text_signals"
    __table_args__ = (Index("ix_text_signals_workspace_kind", "workspace_id", "kind"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    feedback_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str] = mapped_column(String(50))
    sentence_position: Mapped[int] = mapped_column(Integer)
    phrase: Mapped[str] = mapped_column(String(300))


class ThemeStatus:
    ACTIVE = "active"
    PROPOSED = "proposed"
    DELETED = "deleted"
    MERGED = "merged"


class Theme(IdMixin, Base):
    """A theme (no parent) or sub-theme (with one). Discovery proposes; people curate. A theme a person
    touched has `edited` set and discovery never changes it; deleted and merged themes stay as tombstones
    so that discovery does not propose them again."""

    __tablename__ = "themes"
    __table_args__ = (Index("ix_themes_workspace_status", "workspace_id", "status"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=ThemeStatus.ACTIVE)
    origin: Mapped[str] = mapped_column(String(20))
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    centroid: Mapped[bytes] = mapped_column(LargeBinary)
    phrases: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)
