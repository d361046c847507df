"""The SLA sweep: mark warnings and breaches that have come due, tell the assignee, and announce breaches
(`case.sla_breached`); then queue the next sweep."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from voxpop.auth import service as auth_service
from voxpop.case import repository, service, sla
from voxpop.case.access import system
from voxpop.case.models import Case
from voxpop.delivery import service as delivery
from voxpop.kit import clock

LABELS = {"first_contact": "first contact", "resolution": "resolution"}


def sweep(session: Session, workspace_id: uuid.UUID, running: uuid.UUID | None = None) -> int:
    """Mark every due warning and breach of the workspace's open cases; how many marks were made."""
    now = clock.now()
    warn_at = sla.policy(session, workspace_id).warn_at_percent
    marks = 0
    for case in repository.open_cases(session, workspace_id):
        for name, mark in sla.marks_due(case, warn_at, now):
            _mark(session, case, name, mark)
            marks += 1
    sla.schedule(session, workspace_id, running=running)
    return marks


def _mark(session: Session, case: Case, name: str, mark: str) -> None:
    stamp = "breached_at" if mark == "breach" else "warned_at"
    setattr(case, f"{name}_{stamp}", clock.now())
    due = getattr(case, f"{name}_due")
    kind = "sla_breached" if mark == "breach" else "sla_warning"
    service.record_event(
        session, case, system(case.workspace_id, "SLA clock"), kind, clock=name, due=due.isoformat()
    )
    if mark == "breach":
        service.announce(session, case, "case.sla_breached", clock=name)
    _tell_assignee(session, case, name, mark)


def _tell_assignee(session: Session, case: Case, name: str, mark: str) -> None:
    user = auth_service.get_user(session, case.assignee_id) if case.assignee_id else None
    if user is None:
        return
    due = getattr(case, f"{name}_due")
    what = "is overdue" if mark == "breach" else "is due soon"
    delivery.queue_email(
        session,
        case.workspace_id,
        to=user.email,
        subject=f"The {LABELS[name]} of a case {what}: {case.title}",
        text=f'The {LABELS[name]} of the case "{case.title}" was due {due:%Y-%m-%d %H:%M} UTC.\n',
    )
