"""An improvement initiative: a fix for everyone (the outer loop), its owner, status, dates and targets."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from voxpop.kit import clock
from voxpop.kit.db import Base, IdMixin


class InitiativeStatus:
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"

    ALL = (PLANNED, IN_PROGRESS, DONE, CANCELLED)


class Initiative(IdMixin, Base):
    """`targets` holds what the fix aims at: theme ids, touchpoints, lifecycle stages, channels and segments
    (FIELD = VALUE pairs on a customer or record attribute), as the API gives them."""

    __tablename__ = "initiatives"

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default=InitiativeStatus.PLANNED)
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    targets: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)
