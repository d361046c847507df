"""The customer's whole timeline across channels: every feedback record (survey answers included) and every
journey event, newest first. A case without a customer (an anonymous record) shows its own records."""

from __future__ import annotations

from sqlalchemy.orm import Session

from voxpop.case import repository
from voxpop.case.models import Case
from voxpop.case.schemas import TimelineEntry
from voxpop.feedback import service as feedback_service
from voxpop.feedback.schemas import FeedbackOut
from voxpop.journey import service as journey_service

SCORES = ("nps", "csat", "ces", "rating")


def of_case(session: Session, case: Case) -> list[TimelineEntry]:
    if case.customer_id is None:
        records = [
            feedback_service.get(session, case.workspace_id, i)
            for i in repository.feedback_ids(session, case.id)
        ]
        return [_entry(r) for r in records]
    workspace_id, customer_id = case.workspace_id, case.customer_id
    entries = [
        _entry(FeedbackOut.model_validate(r))
        for r in feedback_service.of_customer(session, workspace_id, customer_id)
    ]
    entries += [
        TimelineEntry(
            at=e.occurred_at,
            kind="journey_event",
            id=e.id,
            channel=e.channel,
            title=e.type.replace("_", " "),
            text=e.touchpoint,
            scores={},
        )
        for e in journey_service.of_customer(session, workspace_id, customer_id)
    ]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def _entry(record: FeedbackOut) -> TimelineEntry:
    return TimelineEntry(
        at=record.received_at,
        kind="feedback",
        id=record.id,
        channel=record.channel,
        title=record.title,
        text=record.text,
        scores={name: float(v) for name in SCORES if (v := getattr(record, name)) is not None},
    )
