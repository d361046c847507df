"""Recovery and speed of the inner loop, over closed cases, for everyone, per team and per agent.

Recovery rate = recovered / answered again, where "answered again" counts closed detractor cases (a record
with NPS 0–6) whose customer gave an NPS answer after the case was closed, and "recovered" those whose first
such answer was 7–10 (passive or promoter). Both counts are shown with the rate, and the number of closed
detractor cases, so a rate over few answers is read as such. Times run from opening to first contact and to
closing (the last close, for a reopened case), as median and p90 (nearest rank) in hours.
"""

from __future__ import annotations

import math
import statistics
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from voxpop.auth import service as auth_service
from voxpop.case import repository
from voxpop.case.models import Case
from voxpop.case.schemas import Durations, RecoveryOut, RecoveryRow
from voxpop.feedback import service as feedback_service

PROMOTER_OR_PASSIVE_MIN = 7
CHUNK = 1000


def figures(
    session: Session, workspace_id: uuid.UUID, since: datetime | None = None, until: datetime | None = None
) -> RecoveryOut:
    cases = repository.closed_cases(session, workspace_id, _utc(since), _utc(until))
    answers = _answers_after_close(session, workspace_id, cases)
    teams = {t.id: t.name for t in repository.teams(session, workspace_id)}
    emails = {u.id: u.email for u, _ in auth_service.members_of(session, workspace_id)}

    def by(key: Callable[[Case], str]) -> list[RecoveryRow]:
        groups: dict[str, list[Case]] = defaultdict(list)
        for case in cases:
            groups[key(case)].append(case)
        return [_row(name, members, answers) for name, members in sorted(groups.items())]

    return RecoveryOut(
        overall=_row("all", cases, answers),
        teams=by(lambda c: teams.get(c.team_id, "no team") if c.team_id else "no team"),
        agents=by(lambda c: emails.get(c.assignee_id, "former member") if c.assignee_id else "unassigned"),
    )


def _utc(moment: datetime | None) -> datetime | None:
    """Times without a zone are UTC, as everywhere in voxpop."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _followed(cases: Sequence[Case]) -> list[tuple[uuid.UUID, uuid.UUID, datetime]]:
    """(case id, customer id, closed at) of the closed detractor cases that have a customer."""
    found = []
    for case in cases:
        if case.detractor and case.customer_id is not None and case.closed_at is not None:
            found.append((case.id, case.customer_id, case.closed_at))
    return found


def _answers_after_close(
    session: Session, workspace_id: uuid.UUID, cases: Sequence[Case]
) -> dict[uuid.UUID, int]:
    """The first NPS the customer gave after each closed detractor case was closed, by case id."""
    followed = _followed(cases)
    if not followed:
        return {}
    earliest = min(closed_at for _, _, closed_at in followed)
    customer_ids = sorted({customer_id for _, customer_id, _ in followed})
    answers: dict[uuid.UUID, list[tuple[datetime, int]]] = defaultdict(list)
    for start in range(0, len(customer_ids), CHUNK):
        chunk = customer_ids[start : start + CHUNK]
        for customer_id, at, nps in feedback_service.nps_answers(session, workspace_id, chunk, earliest):
            answers[customer_id].append((at, nps))
    found = {}
    for case_id, customer_id, closed_at in followed:
        first = next((nps for at, nps in answers[customer_id] if at > closed_at), None)
        if first is not None:
            found[case_id] = first
    return found


def _row(group: str, cases: Sequence[Case], answers: dict[uuid.UUID, int]) -> RecoveryRow:
    answered = [answers[c.id] for c in cases if c.id in answers]
    recovered = sum(score >= PROMOTER_OR_PASSIVE_MIN for score in answered)
    return RecoveryRow(
        group=group,
        closed_cases=len(cases),
        detractor_cases=sum(c.detractor for c in cases),
        answered_again=len(answered),
        recovered=recovered,
        recovery_rate=recovered / len(answered) if answered else None,
        time_to_first_contact=durations([_hours(c.opened_at, c.first_contacted_at) for c in cases]),
        time_to_close=durations([_hours(c.opened_at, c.closed_at) for c in cases]),
    )


def _hours(start: datetime, end: datetime | None) -> float | None:
    return (end - start).total_seconds() / 3600 if end is not None else None


def durations(values: Sequence[float | None]) -> Durations:
    known = sorted(v for v in values if v is not None)
    if not known:
        return Durations(n=0, median_hours=None, p90_hours=None)
    p90 = known[math.ceil(0.9 * len(known)) - 1]
    return Durations(n=len(known), median_hours=statistics.median(known), p90_hours=p90)
