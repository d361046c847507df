"""The audit log: who did what, to what, and when."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from voxpop.kit import clock
from voxpop.kit.db import Base, IdMixin


class AuditEvent(IdMixin, Base):
    """One action. The actor is a user, an API key or the command line; `actor_name` keeps a readable label
    (email, key prefix) as it was at the time, so the log still reads after the user or key is gone."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_workspace_id_occurred_at", "workspace_id", "occurred_at"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    actor_type: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[uuid.UUID | None]
    actor_name: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(100))
    target_type: Mapped[str] = mapped_column(String(50))
    target_id: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    occurred_at: Mapped[datetime] = mapped_column(default=clock.now)
