from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from voxpop.kit import clock
from voxpop.kit.db import Base, IdMixin


class Feedback(IdMixin, Base):
    """One piece of customer voice from any channel. Scores of different scales live in their own columns
    and are never mixed: NPS 0–10, CSAT 1–5, CES 1–7, star rating 1–5."""

    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("workspace_id", "source", "external_id"),
        Index("ix_feedback_workspace_received", "workspace_id", "received_at"),
        # a customer's timeline, newest first, a keyset page at a time, and its channels and kinds (migration 0021)
        Index("ix_feedback_customer_received", "customer_id", "received_at", "id", "channel", "kind"),
        Index(  # covers the dashboards' figures on both stores (migration 0011)
            "ix_feedback_workspace_channel_received",
            "workspace_id",
            "channel",
            "received_at",
            "customer_id",
            "nps",
            "csat",
            "ces",
            "rating",
            "lifecycle_stage",
        ),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    customer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(50))
    source: Mapped[str] = mapped_column(String(100))
    external_id: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime]
    lifecycle_stage: Mapped[str | None] = mapped_column(String(20))
    touchpoint: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(500))
    text: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    nps: Mapped[int | None] = mapped_column(SmallInteger)
    csat: Mapped[int | None] = mapped_column(SmallInteger)
    ces: Mapped[int | None] = mapped_column(SmallInteger)
    rating: Mapped[float | None] = mapped_column(Float)
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)
