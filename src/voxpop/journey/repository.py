"""Every query of the journey domain."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from voxpop.journey.models import JourneyEvent
from voxpop.kit import clock, upsert

TABLE = JourneyEvent.__table__


def store(session: Session, workspace_id: uuid.UUID, rows: Sequence[dict[str, Any]]) -> list[upsert.Stored]:
    """Events without a time happened now; an update without a time keeps the stored one."""
    defaults = {"occurred_at": clock.now()}
    return upsert.store(session, TABLE, workspace_id, rows, defaults)  # type: ignore[arg-type]


def of_customer(session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID) -> list[JourneyEvent]:
    return list(
        session.scalars(
            select(JourneyEvent)
            .where(JourneyEvent.workspace_id == workspace_id, JourneyEvent.customer_id == customer_id)
            .order_by(JourneyEvent.occurred_at)
        )
    )


def delete_of_customer(session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID) -> int:
    result = session.execute(
        delete(JourneyEvent).where(
            JourneyEvent.workspace_id == workspace_id, JourneyEvent.customer_id == customer_id
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
