"""Every query of the delivery domain. Every read takes the workspace, except the job's own look-ups by id."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Text, cast, delete, func, or_, select
from sqlalchemy.orm import Session

from voxpop.delivery.models import Channel, Delivery, DeliveryAttempt, DeliveryStatus, WebhookEndpoint


def add(session: Session, *rows: object) -> None:
    session.add_all(rows)
    session.flush()


def endpoint(session: Session, workspace_id: uuid.UUID, endpoint_id: uuid.UUID) -> WebhookEndpoint | None:
    return session.scalars(
        select(WebhookEndpoint).where(
            WebhookEndpoint.workspace_id == workspace_id, WebhookEndpoint.id == endpoint_id
        )
    ).first()


def endpoints(session: Session, workspace_id: uuid.UUID, active_only: bool = False) -> list[WebhookEndpoint]:
    query = select(WebhookEndpoint).where(WebhookEndpoint.workspace_id == workspace_id)
    if active_only:
        query = query.where(WebhookEndpoint.disabled_at.is_(None))
    return list(session.scalars(query.order_by(WebhookEndpoint.created_at)))


def endpoint_by_id(session: Session, endpoint_id: uuid.UUID) -> WebhookEndpoint | None:
    return session.get(WebhookEndpoint, endpoint_id)


def delivery(session: Session, workspace_id: uuid.UUID, delivery_id: uuid.UUID) -> Delivery | None:
    return session.scalars(
        select(Delivery).where(Delivery.workspace_id == workspace_id, Delivery.id == delivery_id)
    ).first()


def delivery_for_update(session: Session, delivery_id: uuid.UUID) -> Delivery | None:
    return session.scalars(select(Delivery).where(Delivery.id == delivery_id).with_for_update()).first()


def deliveries(
    session: Session,
    workspace_id: uuid.UUID,
    *,
    endpoint_id: uuid.UUID | None = None,
    status: str | None = None,
    channel: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Delivery]:
    query = select(Delivery).where(Delivery.workspace_id == workspace_id)
    if endpoint_id is not None:
        query = query.where(Delivery.endpoint_id == endpoint_id)
    if status is not None:
        query = query.where(Delivery.status == status)
    if channel is not None:
        query = query.where(Delivery.channel == channel)
    query = query.order_by(Delivery.created_at.desc(), Delivery.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(query))


def dead_letters(
    session: Session, workspace_id: uuid.UUID, endpoint_id: uuid.UUID | None, channel: str | None, limit: int
) -> list[Delivery]:
    query = select(Delivery).where(
        Delivery.workspace_id == workspace_id, Delivery.status == DeliveryStatus.FAILED
    )
    if endpoint_id is not None:
        query = query.where(Delivery.endpoint_id == endpoint_id)
    if channel is not None:
        query = query.where(Delivery.channel == channel)
    return list(
        session.scalars(query.order_by(Delivery.created_at, Delivery.id).limit(limit).with_for_update())
    )


def statuses(session: Session, workspace_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    rows = session.execute(
        select(Delivery.id, Delivery.status).where(
            Delivery.workspace_id == workspace_id, Delivery.id.in_(ids)
        )
    )
    return {row.id: row.status for row in rows}


def attempts_of(session: Session, delivery_ids: Sequence[uuid.UUID]) -> list[DeliveryAttempt]:
    return list(
        session.scalars(
            select(DeliveryAttempt)
            .where(DeliveryAttempt.delivery_id.in_(delivery_ids))
            .order_by(DeliveryAttempt.attempted_at, DeliveryAttempt.id)
        )
    )


def attempts_since(session: Session, delivery_id: uuid.UUID, since: datetime) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(DeliveryAttempt)
            .where(DeliveryAttempt.delivery_id == delivery_id, DeliveryAttempt.attempted_at >= since)
        )
        or 0
    )


def emails_to(session: Session, workspace_id: uuid.UUID, addresses: Sequence[str]) -> list[Delivery]:
    """The workspace's emails to any of these (lower-cased) addresses, oldest first."""
    to = func.lower(Delivery.message["to"].as_string())
    return list(
        session.scalars(
            select(Delivery)
            .where(
                Delivery.workspace_id == workspace_id, Delivery.channel == Channel.EMAIL, to.in_(addresses)
            )
            .order_by(Delivery.created_at, Delivery.id)
        )
    )


def delete_emails_to(session: Session, workspace_id: uuid.UUID, addresses: Sequence[str]) -> int:
    """Deletes the workspace's emails to any of these (lower-cased) addresses; attempts go by cascade."""
    to = func.lower(Delivery.message["to"].as_string())
    return _delete(session, workspace_id, (Delivery.channel == Channel.EMAIL) & to.in_(addresses))


def delete_mentioning(session: Session, workspace_id: uuid.UUID, ids: Sequence[str]) -> int:
    """Deletes the workspace's deliveries whose message holds any of `ids` anywhere (random UUIDs, so an
    occurrence names that row); attempts go by cascade."""
    text = cast(Delivery.message, Text)
    return _delete(session, workspace_id, or_(*(text.contains(i) for i in ids)))


def _delete(session: Session, workspace_id: uuid.UUID, condition: ColumnElement[bool]) -> int:
    deleted = session.execute(
        delete(Delivery).where(Delivery.workspace_id == workspace_id, condition),
        execution_options={"synchronize_session": False},
    )
    return int(deleted.rowcount)  # type: ignore[attr-defined]
