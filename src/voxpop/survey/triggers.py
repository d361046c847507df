"""Transactional triggers: a journey event invites its customer to each live survey of the workspace whose
current version has a trigger on that event type, after the trigger's delay, for a sampled share of events.
Sampling hashes (survey, event), so the same event sent again is sampled the same way. The invitation itself
is made by a job when the delay is over, so the contact rules are checked then."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from voxpop.customer.schemas import CustomerRef
from voxpop.journey.schemas import EventIn
from voxpop.kit import clock
from voxpop.kit.jobs.queue import enqueue
from voxpop.kit.upsert import Stored
from voxpop.survey import repository
from voxpop.survey.definition import Trigger, definition_of

INVITE_AFTER_EVENT = "survey.invite_after_event"


@dataclass(frozen=True)
class Happened:
    """A journey event as the triggers see it."""

    type: str
    external_id: str
    customer: CustomerRef | None


def on_events(session: Session, workspace_id: uuid.UUID, events: Sequence[Happened]) -> int:
    """Queues the delayed invitations these events trigger; returns how many."""
    queued = 0
    for survey in repository.live_surveys(session, workspace_id):
        version = repository.version(session, survey, survey.current_version)
        triggers = definition_of(version.id, version.definition).triggers if version else []
        for trigger in triggers:
            for happened in events:
                if _fires(trigger, survey.id, happened):
                    _queue(session, workspace_id, survey.id, trigger, happened)
                    queued += 1
    return queued


def _fires(trigger: Trigger, survey_id: uuid.UUID, happened: Happened) -> bool:
    if (
        happened.type.lower() != trigger.event
        or happened.customer is None
        or not happened.customer.identities()
    ):
        return False
    if trigger.channel == "email" and not happened.customer.email:
        return False
    digest = hashlib.sha256(f"{survey_id}:{happened.type}:{happened.external_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < trigger.sample


def _queue(
    session: Session, workspace_id: uuid.UUID, survey_id: uuid.UUID, trigger: Trigger, happened: Happened
) -> None:
    assert happened.customer is not None
    payload = {
        "survey_id": str(survey_id),
        "customer": happened.customer.model_dump(mode="json", exclude_none=True),
        "channel": trigger.channel,
    }
    job = enqueue(session, INVITE_AFTER_EVENT, payload, workspace_id)
    job.run_after = clock.now() + timedelta(hours=trigger.delay_hours)


def on_new_events(
    session: Session, workspace_id: uuid.UUID, items: Sequence[EventIn], stored: Sequence[Stored]
) -> int:
    """Triggers for the events just stored for the first time (a re-sent event invites nobody again).
    `stored` has one outcome per distinct key; when a file repeated a key, events are matched by id."""
    if len(items) == len(stored):
        pairs = list(zip(items, stored, strict=True))
    else:
        by_id = {s.external_id: s for s in stored}
        pairs = [(item, by_id[item.external_id]) for item in items if item.external_id in by_id]
    happened = [
        Happened(item.type, outcome.external_id, item.customer) for item, outcome in pairs if outcome.created
    ]
    return on_events(session, workspace_id, happened) if happened else 0
