"""The feedback domain's operations. Every way feedback enters (API, file import, survey page, demo) goes
through `ingest_many`, the one way in: validated input, personal data redacted before anything is stored or
copied, matched customers, an idempotent upsert, then the `STORED` hook, which starts what follows (text
analysis, rules: see `voxpop.flows`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from voxpop.customer import service as customer_service
from voxpop.feedback import repository
from voxpop.feedback.models import Feedback
from voxpop.feedback.schemas import FeedbackIn, FeedbackOut
from voxpop.kit import clock, records
from voxpop.kit.errors import NotFound
from voxpop.kit.hooks import Hook
from voxpop.kit.ids import new_id
from voxpop.kit.records import content_key
from voxpop.kit.redaction import Redactor, source_redactor
from voxpop.kit.settings import get_settings
from voxpop.kit.upsert import Stored

TIME_FIELD = "received_at"
STORED: Hook[[Session, uuid.UUID, Sequence[FeedbackIn]]] = Hook("feedback.stored")
"""Records were stored (created or updated) in the caller's transaction: (session, workspace id, records)."""


def ingest_many(
    session: Session, workspace_id: uuid.UUID, items: Sequence[FeedbackIn], default_source: str = "api"
) -> list[Stored]:
    """Store records (created or updated by source and external id); returns one outcome per distinct key."""
    customer_ids = customer_service.resolve_many(session, workspace_id, [item.customer for item in items])
    now = clock.now()
    redactor = source_redactor(get_settings())
    rows = [
        _redacted(_row(workspace_id, item, cid, default_source, now), redactor)
        for item, cid in zip(items, customer_ids, strict=True)
    ]
    stored = repository.store(session, workspace_id, rows)
    STORED(session, workspace_id, items)
    return stored


def _redacted(row: dict[str, Any], redactor: Redactor | None) -> dict[str, Any]:
    """The row with personal data in its title, text and attribute values replaced by placeholders (setting
    TEXT_REDACT_SOURCE). Its key was taken from the record as sent, so sending it again still updates it."""
    if redactor is None:
        return row
    return row | {
        "title": redactor.optional(row["title"]),
        "text": redactor.optional(row["text"]),
        "attributes": redactor.values(row["attributes"]),
    }


def _row(
    workspace_id: uuid.UUID,
    item: FeedbackIn,
    customer_id: uuid.UUID | None,
    default_source: str,
    now: datetime,
) -> dict[str, Any]:
    return {
        "id": new_id(),
        "workspace_id": workspace_id,
        "customer_id": customer_id,
        "kind": item.kind,
        "channel": item.channel,
        "source": item.source or default_source,
        "external_id": item.external_id or content_key(item, TIME_FIELD),
        "received_at": item.received_at,
        "lifecycle_stage": item.lifecycle_stage,
        "touchpoint": item.touchpoint,
        "title": item.title,
        "text": item.text,
        "language": item.language,
        "nps": item.nps,
        "csat": item.csat,
        "ces": item.ces,
        "rating": item.rating,
        "attributes": item.attributes,
        "created_at": now,
        "updated_at": now,
    }


def duplicate_keys(items: Sequence[FeedbackIn], default_source: str = "api") -> list[tuple[int, int]]:
    return records.duplicate_keys(items, default_source)


def get(session: Session, workspace_id: uuid.UUID, feedback_id: uuid.UUID) -> FeedbackOut:
    record = repository.get(session, workspace_id, feedback_id)
    if record is None:
        raise NotFound("feedback record")
    return FeedbackOut.model_validate(record)


def list_page(
    session: Session, workspace_id: uuid.UUID, limit: int, offset: int, customer_id: uuid.UUID | None = None
) -> list[FeedbackOut]:
    records = repository.list_page(session, workspace_id, limit, offset, customer_id)
    return [FeedbackOut.model_validate(r) for r in records]


def of_customer(session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID) -> list[Feedback]:
    return repository.of_customer(session, workspace_id, customer_id)


def erase_of_customer(session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID) -> int:
    return repository.delete_of_customer(session, workspace_id, customer_id)


def replace_texts(
    session: Session, workspace_id: uuid.UUID, changes: Sequence[tuple[uuid.UUID, str, str]]
) -> None:
    """Replace texts (id, text read, new text) where they were not changed meanwhile: text analysis stores
    the cleaned, redacted form in place of the original."""
    repository.replace_texts(session, workspace_id, changes)


def nps_answers(
    session: Session, workspace_id: uuid.UUID, customer_ids: Sequence[uuid.UUID], after: datetime
) -> list[tuple[uuid.UUID, datetime, int]]:
    """(customer id, received at, NPS) of these customers' NPS answers received after `after`, oldest first."""
    return repository.nps_answers(session, workspace_id, customer_ids, after) if customer_ids else []


SCORES = ("nps", "csat", "ces", "rating")


@dataclass(frozen=True)
class LatestScore:
    value: float
    at: datetime
    feedback_id: uuid.UUID


def timeline_page(
    session: Session,
    workspace_id: uuid.UUID,
    customer_id: uuid.UUID,
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
    channel: str | None = None,
    kind: str | None = None,
) -> list[FeedbackOut]:
    """One page of the customer's records received before `before` (time, id), newest first."""
    rows = repository.timeline_page(session, workspace_id, customer_id, before, limit, channel, kind)
    return [FeedbackOut.model_validate(r) for r in rows]


def channels_of_customer(
    session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID
) -> list[tuple[str, str, int]]:
    """(channel, kind, records) of the customer's records: what their timeline can be filtered by. The customer
    must be one of the workspace's (callers have found them in it)."""
    return repository.channels_of_customer(session, workspace_id, customer_id)


def latest_scores(
    session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID
) -> dict[str, LatestScore]:
    """The customer's newest NPS, CSAT, CES and star rating, each with when it was given."""
    found = {m: repository.latest_score(session, workspace_id, customer_id, m) for m in SCORES}
    return {m: LatestScore(*row) for m, row in found.items() if row is not None}
