from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from voxpop.kit import clock
from voxpop.kit.db import Base, IdMixin


class Insight(IdMixin, Base):
    """Something that emerged (a metric out of its control limits, …): what, where, since when, evidence.
    Alerts and cases act on these rows; detecting the same thing again updates the row, never duplicates it."""

    __tablename__ = "insights"
    __table_args__ = (UniqueConstraint("workspace_id", "kind", "subject"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(50))
    subject: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(300))
    metric: Mapped[str | None] = mapped_column(String(20))
    segment: Mapped[dict[str, Any]] = mapped_column(default=dict)
    since: Mapped[date] = mapped_column(Date)
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    detected_at: Mapped[datetime] = mapped_column(default=clock.now)
