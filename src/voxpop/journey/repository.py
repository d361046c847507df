"""Every query of the journey domain."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, tuple_
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


def timeline_page(
    session: Session,
    workspace_id: uuid.UUID,
    customer_id: uuid.UUID,
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
    channel: str | None = None,
) -> list[JourneyEvent]:
    """The customer's events before `before` (time, id), newest first (ix_journey_events_customer_occurred)."""
    query = select(JourneyEvent).where(
        JourneyEvent.workspace_id == workspace_id, JourneyEvent.customer_id == customer_id
    )
    if before is not None:
        query = query.where(tuple_(JourneyEvent.occurred_at, JourneyEvent.id) < tuple_(*before))
    if channel:
        query = query.where(JourneyEvent.channel == channel)
    order = (JourneyEvent.occurred_at.desc(), JourneyEvent.id.desc())
    return list(session.scalars(query.order_by(*order).limit(limit)))


def channels_of_customer(
    session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID
) -> list[tuple[str | None, int]]:
    rows = session.execute(
        select(JourneyEvent.channel, func.count())
        .where(JourneyEvent.workspace_id == workspace_id, JourneyEvent.customer_id == customer_id)
        .group_by(JourneyEvent.channel)
    )
    return [(channel, int(n)) for channel, n in rows]
