"""The customer's whole timeline across channels: every feedback record (survey answers included) and every
journey event, newest first. Pages read it a keyset page at a time (`page_of_customer`: the entries before a
cursor, filtered by channel and kind), so the last page of a customer with 10,000 records costs what the
first does. A case without a customer (an anonymous record) shows its own records."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from voxpop.case import repository, service
from voxpop.case.access import Caller
from voxpop.case.models import Case
from voxpop.case.schemas import TimelineEntry
from voxpop.feedback import service as feedback_service
from voxpop.feedback.schemas import FeedbackOut
from voxpop.journey import service as journey_service
from voxpop.journey.schemas import EventOut
from voxpop.kit.errors import Invalid, Problem

SCORES = ("nps", "csat", "ces", "rating")
PAGE_SIZE = 50
EVENTS = "journey_event"
"""The kind filter's value for journey events; any other kind is a feedback kind (review, chat…)."""
_CURSOR_TIME = "%Y%m%dT%H%M%S%f"


@dataclass(frozen=True)
class TimelineQuery:
    channel: str | None = None
    kind: str | None = None
    before: str | None = None
    limit: int = PAGE_SIZE


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]
    query: TimelineQuery
    next_cursor: str | None
    channels: list[tuple[str, int]] = field(default_factory=list)
    kinds: list[tuple[str, int]] = field(default_factory=list)

    @property
    def first(self) -> bool:
        return self.query.before is None


def cursor_of(entry: TimelineEntry) -> str:
    """Where the next page starts: after this entry (its time and id, in URL-safe characters)."""
    return f"{entry.at.astimezone(UTC).strftime(_CURSOR_TIME)}_{entry.id.hex}"


def parse_cursor(text: str) -> tuple[datetime, uuid.UUID]:
    try:
        at, _, entry_id = text.partition("_")
        return datetime.strptime(at, _CURSOR_TIME).replace(tzinfo=UTC), uuid.UUID(hex=entry_id)
    except ValueError:
        raise Invalid("not a timeline position", [Problem("not a timeline position", "before")]) from None


def page_of_customer(
    session: Session,
    workspace_id: uuid.UUID,
    customer_id: uuid.UUID,
    query: TimelineQuery,
    caller: Caller | None,
) -> TimelinePage:
    """One page of the customer's timeline: the `query.limit` newest entries before `query.before`, of its
    channel and kind; records of a case the caller may see name the case."""
    before = parse_cursor(query.before) if query.before else None
    wanted = query.limit + 1
    entries: list[TimelineEntry] = []
    if query.kind != EVENTS:
        records = feedback_service.timeline_page(
            session, workspace_id, customer_id, before, wanted, query.channel, query.kind
        )
        entries += [_entry(r) for r in records]
    if query.kind in (None, EVENTS):
        events = journey_service.timeline_page(
            session, workspace_id, customer_id, before, wanted, query.channel
        )
        entries += [_event(e) for e in events]
    entries.sort(key=lambda e: (e.at, e.id), reverse=True)
    shown, more = entries[: query.limit], len(entries) > query.limit
    channels, kinds = _filters(session, workspace_id, customer_id)
    return TimelinePage(
        _with_cases(session, caller, shown), query, cursor_of(shown[-1]) if more else None, channels, kinds
    )


def _filters(
    session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(channel, entries) and (kind, entries) of the customer's whole timeline: the filters' choices."""
    channels: dict[str, int] = {}
    kinds: dict[str, int] = {}
    for channel, kind, n in feedback_service.channels_of_customer(session, workspace_id, customer_id):
        channels[channel] = channels.get(channel, 0) + n
        kinds[kind] = kinds.get(kind, 0) + n
    for event_channel, n in journey_service.channels_of_customer(session, workspace_id, customer_id):
        if event_channel:
            channels[event_channel] = channels.get(event_channel, 0) + n
        kinds[EVENTS] = kinds.get(EVENTS, 0) + n
    return sorted(channels.items()), sorted(kinds.items())


def _with_cases(session: Session, caller: Caller | None, entries: list[TimelineEntry]) -> list[TimelineEntry]:
    if caller is None:
        return entries
    ids = [e.id for e in entries if e.kind == "feedback"]
    cases = service.cases_of_records(session, caller, ids)
    return [e.model_copy(update={"case_id": cases.get(e.id)}) for e in entries]


def of_case(session: Session, case: Case) -> list[TimelineEntry]:
    """The whole timeline of the case's customer, unpaged (the API's `GET /cases/{id}/timeline`)."""
    if case.customer_id is None:
        return records_of_case(session, case)
    workspace_id, customer_id = case.workspace_id, case.customer_id
    entries = [
        _entry(FeedbackOut.model_validate(r))
        for r in feedback_service.of_customer(session, workspace_id, customer_id)
    ]
    entries += [_event(e) for e in journey_service.of_customer(session, workspace_id, customer_id)]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def records_of_case(session: Session, case: Case) -> list[TimelineEntry]:
    """The case's own records, newest first (an anonymous customer has no timeline beyond them)."""
    records = [
        feedback_service.get(session, case.workspace_id, i) for i in repository.feedback_ids(session, case.id)
    ]
    entries = [_entry(r).model_copy(update={"case_id": case.id}) for r in records]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def _event(event: EventOut) -> TimelineEntry:
    return TimelineEntry(
        at=event.occurred_at,
        kind="journey_event",
        id=event.id,
        channel=event.channel,
        title=event.type.replace("_", " "),
        text=event.touchpoint,
        scores={},
        type=event.type,
    )


def _entry(record: FeedbackOut) -> TimelineEntry:
    return TimelineEntry(
        at=record.received_at,
        kind="feedback",
        id=record.id,
        channel=record.channel,
        title=record.title,
        text=record.text,
        scores={name: float(v) for name in SCORES if (v := getattr(record, name)) is not None},
        type=record.kind,
    )
