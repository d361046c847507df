"""Every query of the feedback domain."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.orm import Session

from voxpop.feedback.models import Feedback
from voxpop.kit import clock, upsert

TABLE = Feedback.__table__


def store(session: Session, workspace_id: uuid.UUID, rows: Sequence[dict[str, Any]]) -> list[upsert.Stored]:
    """Records without a time were received now; an update without a time keeps the stored one."""
    defaults = {"received_at": clock.now()}
    return upsert.store(session, TABLE, workspace_id, rows, defaults)  # type: ignore[arg-type]


def get(session: Session, workspace_id: uuid.UUID, feedback_id: uuid.UUID) -> Feedback | None:
    return session.scalars(
        select(Feedback).where(Feedback.workspace_id == workspace_id, Feedback.id == feedback_id)
    ).first()


def list_page(
    session: Session, workspace_id: uuid.UUID, limit: int, offset: int, customer_id: uuid.UUID | None = None
) -> list[Feedback]:
    query = select(Feedback).where(Feedback.workspace_id == workspace_id)
    if customer_id is not None:
        query = query.where(Feedback.customer_id == customer_id)
    return list(session.scalars(query.order_by(Feedback.received_at.desc()).limit(limit).offset(offset)))


def of_customer(session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID) -> list[Feedback]:
    return list(
        session.scalars(
            select(Feedback)
            .where(Feedback.workspace_id == workspace_id, Feedback.customer_id == customer_id)
            .order_by(Feedback.received_at)
        )
    )


def delete_of_customer(session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID) -> int:
    result = session.execute(
        delete(Feedback).where(Feedback.workspace_id == workspace_id, Feedback.customer_id == customer_id)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def replace_texts(
    session: Session, workspace_id: uuid.UUID, changes: Sequence[tuple[uuid.UUID, str, str]]
) -> None:
    """Set each record's text to its new form only if it still holds the text that was read (compare and
    set), leaving `updated_at` alone: a redaction is not a change by the customer."""
    for feedback_id, old, new in changes:
        session.execute(
            update(Feedback)
            .where(Feedback.workspace_id == workspace_id, Feedback.id == feedback_id, Feedback.text == old)
            .values(text=new)
        )


def nps_answers(
    session: Session, workspace_id: uuid.UUID, customer_ids: Sequence[uuid.UUID], after: datetime
) -> list[tuple[uuid.UUID, datetime, int]]:
    rows = session.execute(
        select(Feedback.customer_id, Feedback.received_at, Feedback.nps)
        .where(Feedback.workspace_id == workspace_id, Feedback.customer_id.in_(customer_ids))
        .where(Feedback.nps.isnot(None), Feedback.received_at > after)
        .order_by(Feedback.received_at)
    )
    return [(cid, at, nps) for cid, at, nps in rows if cid is not None and nps is not None]


def timeline_page(
    session: Session,
    workspace_id: uuid.UUID,
    customer_id: uuid.UUID,
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
    channel: str | None = None,
    kind: str | None = None,
) -> list[Feedback]:
    """The customer's records received before `before` (time, id), newest first: a keyset page read from
    ix_feedback_customer_received (migration 0021), as fast on the last page as on the first."""
    query = select(Feedback).where(Feedback.workspace_id == workspace_id, Feedback.customer_id == customer_id)
    if before is not None:
        query = query.where(tuple_(Feedback.received_at, Feedback.id) < tuple_(*before))
    if channel:
        query = query.where(Feedback.channel == channel)
    if kind:
        query = query.where(Feedback.kind == kind)
    order = (Feedback.received_at.desc(), Feedback.id.desc())
    return list(session.scalars(query.order_by(*order).limit(limit)))


def channels_of_customer(
    session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID
) -> list[tuple[str, str, int]]:
    """(channel, kind, records) of the customer's records, counted from ix_feedback_customer_received alone.
    Selected by the customer only: all their records are in their workspace, and the caller found them in
    `workspace_id` (a workspace term let SQLite without statistics read the whole workspace's index)."""
    del workspace_id
    rows = session.execute(
        select(Feedback.channel, Feedback.kind, func.count())
        .where(Feedback.customer_id == customer_id)
        .group_by(Feedback.channel, Feedback.kind)
    )
    return [(channel, kind, int(n)) for channel, kind, n in rows]


def latest_score(
    session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID, metric: str
) -> tuple[float, datetime, uuid.UUID] | None:
    """The customer's newest answer of one score column (nps, csat, ces, rating), when and in which record."""
    column = getattr(Feedback, metric)
    row = session.execute(
        select(column, Feedback.received_at, Feedback.id)
        .where(Feedback.workspace_id == workspace_id, Feedback.customer_id == customer_id)
        .where(column.is_not(None))
        .order_by(Feedback.received_at.desc(), Feedback.id.desc())
        .limit(1)
    ).first()
    return (float(row[0]), row[1], row[2]) if row else None
