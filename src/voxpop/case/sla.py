"""SLA clocks. Each case has two: first contact and resolution, set when it opens from the workspace's
policy (or the rule's override), shortened by priority. There is no cron: a `case.sla` job row per workspace
waits for the next moment a clock warns (WARN% of its window gone) or breaches; each run marks what is due,
then queues itself for the next moment."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from voxpop.case import repository, setup
from voxpop.case.access import Caller
from voxpop.case.models import Case, Priority, SlaPolicy
from voxpop.case.schemas import PolicyIn, PolicyOut
from voxpop.kit import clock
from voxpop.kit.jobs import enqueue

SWEEP_JOB = "case.sla"
CLOCKS = ("first_contact", "resolution")


def policy(session: Session, workspace_id: uuid.UUID) -> PolicyOut:
    row = repository.policy(session, workspace_id)
    if row is None:
        return PolicyOut.model_validate(PolicyIn().model_dump())
    return PolicyOut.model_validate(row)


def set_policy(session: Session, caller: Caller, data: PolicyIn) -> PolicyOut:
    """New windows apply to cases opened from now on; open cases keep the due times they were given."""
    workspace_id = caller.workspace_id
    row = repository.policy(session, workspace_id)
    values = data.model_dump(mode="json")
    if row is None:
        row = SlaPolicy(workspace_id=workspace_id, **values)
        repository.add(session, row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    row.updated_at = clock.now()
    setup.audited(session, caller, "case_sla.set", "case_sla", workspace_id, **values)
    return policy(session, workspace_id)


def due_times(
    rules: PolicyOut,
    priority: str,
    opened_at: datetime,
    first_contact_hours: float | None,
    resolution_hours: float | None,
) -> tuple[datetime, datetime]:
    """(first contact due, resolution due): an override wins over the policy; priority shortens either."""
    factor = rules.priority_factors.get(Priority(priority), 1.0)
    first = (first_contact_hours or rules.first_contact_hours) * factor
    resolve = (resolution_hours or rules.resolution_hours) * factor
    return opened_at + timedelta(hours=first), opened_at + timedelta(hours=resolve)


def _running(case: Case, name: str) -> bool:
    done = case.first_contacted_at if name == "first_contact" else case.resolved_at
    return done is None


def _due(case: Case, name: str) -> datetime:
    due: datetime = getattr(case, f"{name}_due")
    return due


def warn_time(case: Case, name: str, warn_at_percent: int) -> datetime:
    return case.opened_at + (_due(case, name) - case.opened_at) * warn_at_percent / 100


def marks_due(case: Case, warn_at_percent: int, now: datetime) -> Iterator[tuple[str, str]]:
    """(clock, "warning" or "breach") for each mark that has come due on this open case."""
    for name in CLOCKS:
        if not _running(case, name) or getattr(case, f"{name}_breached_at") is not None:
            continue
        if now >= _due(case, name):
            yield name, "breach"
        elif now >= warn_time(case, name, warn_at_percent) and getattr(case, f"{name}_warned_at") is None:
            yield name, "warning"


def next_moment(cases: list[Case], warn_at_percent: int) -> datetime | None:
    """The next time a mark falls due on any of these cases."""
    moments = []
    for case in cases:
        for name in CLOCKS:
            if not _running(case, name) or getattr(case, f"{name}_breached_at") is not None:
                continue
            warned = getattr(case, f"{name}_warned_at") is not None
            moments.append(_due(case, name) if warned else warn_time(case, name, warn_at_percent))
    return min(moments, default=None)


def schedule(
    session: Session, workspace_id: uuid.UUID, changed: Case | None = None, running: uuid.UUID | None = None
) -> None:
    """Make sure a sweep waits for the workspace's next mark, bringing a later one forward. With `changed`
    (a case just opened or reopened) only its clocks are new, so only they are looked at."""
    cases = [changed] if changed is not None else repository.open_cases(session, workspace_id)
    moment = next_moment(cases, policy(session, workspace_id).warn_at_percent)
    if moment is None:
        return
    waiting = repository.pending_job(session, workspace_id, SWEEP_JOB, other_than=running)
    if waiting is None:
        waiting = enqueue(session, SWEEP_JOB, {"workspace_id": str(workspace_id)}, workspace_id=workspace_id)
        waiting.run_after = moment
    elif waiting.run_after > moment:
        waiting.run_after = moment
