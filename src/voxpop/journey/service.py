"""The journey domain's operations: store events (idempotently, tied to customers) and read them back. Every
way events enter (API, file import, demo) goes through `ingest_many`, which fires the `STORED` hook (survey
triggers: see `voxpop.flows`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from voxpop.customer import service as customer_service
from voxpop.journey import repository
from voxpop.journey.schemas import EventIn, EventOut
from voxpop.kit import clock, records
from voxpop.kit.hooks import Hook
from voxpop.kit.ids import new_id
from voxpop.kit.records import content_key
from voxpop.kit.upsert import Stored

TIME_FIELD = "occurred_at"
STORED: Hook[[Session, uuid.UUID, Sequence[EventIn], Sequence[Stored]]] = Hook("journey.stored")
"""Events were stored in the caller's transaction: (session, workspace id, events, one outcome per key)."""


def ingest_many(
    session: Session, workspace_id: uuid.UUID, items: Sequence[EventIn], default_source: str = "api"
) -> list[Stored]:
    """Store records (created or updated by source and external id); returns one outcome per distinct key."""
    customer_ids = customer_service.resolve_many(session, workspace_id, [item.customer for item in items])
    now = clock.now()
    rows = [
        _row(workspace_id, item, cid, default_source, now)
        for item, cid in zip(items, customer_ids, strict=True)
    ]
    stored = repository.store(session, workspace_id, rows)
    STORED(session, workspace_id, items, stored)
    return stored


def _row(
    workspace_id: uuid.UUID, item: EventIn, customer_id: uuid.UUID | None, default_source: str, now: datetime
) -> dict[str, Any]:
    return {
        "id": new_id(),
        "workspace_id": workspace_id,
        "customer_id": customer_id,
        "type": item.type,
        "channel": item.channel,
        "source": item.source or default_source,
        "external_id": item.external_id or content_key(item, TIME_FIELD),
        "occurred_at": item.occurred_at,
        "lifecycle_stage": item.lifecycle_stage,
        "touchpoint": item.touchpoint,
        "attributes": item.attributes,
        "created_at": now,
        "updated_at": now,
    }


def duplicate_keys(items: Sequence[EventIn], default_source: str = "api") -> list[tuple[int, int]]:
    return records.duplicate_keys(items, default_source)


def of_customer(session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID) -> list[EventOut]:
    return [EventOut.model_validate(e) for e in repository.of_customer(session, workspace_id, customer_id)]


def erase_of_customer(session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID) -> int:
    return repository.delete_of_customer(session, workspace_id, customer_id)


def timeline_page(
    session: Session,
    workspace_id: uuid.UUID,
    customer_id: uuid.UUID,
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
    channel: str | None = None,
) -> list[EventOut]:
    """One page of the customer's events before `before` (time, id), newest first."""
    rows = repository.timeline_page(session, workspace_id, customer_id, before, limit, channel)
    return [EventOut.model_validate(e) for e in rows]


def channels_of_customer(
    session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID
) -> list[tuple[str | None, int]]:
    """(channel, events) of the customer's journey events."""
    return repository.channels_of_customer(session, workspace_id, customer_id)
