"""The case domain's operations: open a case (or add a record to the customer's open case), move it
through its statuses, assign it, change it, and list what a caller may see. Every change is an event on the
case; opening, assignment, closing and reopening also go to the audit log. Nothing here commits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from voxpop.audit import service as audit
from voxpop.auth import service as auth_service
from voxpop.case import assignment, repository, sla
from voxpop.case.access import Caller, scope_of
from voxpop.case.models import OPEN_STATUSES, Case, CaseEvent, CaseRecord, CodeKind, Status
from voxpop.case.schemas import (
    AssignIn,
    CaseChange,
    CaseDetailOut,
    CaseOut,
    EventOut,
    Filters,
    OpenCaseParams,
)
from voxpop.delivery import service as delivery
from voxpop.feedback import service as feedback_service
from voxpop.feedback.schemas import FeedbackOut
from voxpop.kit import clock
from voxpop.kit.errors import Conflict, Forbidden, Invalid, NotFound, Problem

DETRACTOR_MAX = 6
TITLE_LENGTH = 80
NEXT = {
    Status.NEW: (Status.CONTACTED,),
    Status.CONTACTED: (Status.IN_PROGRESS, Status.RESOLVED),
    Status.IN_PROGRESS: (Status.RESOLVED,),
    Status.RESOLVED: (Status.CLOSED, Status.IN_PROGRESS),
    Status.CLOSED: (Status.IN_PROGRESS,),
}


def record_event(session: Session, case: Case, caller: Caller, kind: str, **details: Any) -> CaseEvent:
    event = CaseEvent(
        workspace_id=case.workspace_id,
        case_id=case.id,
        actor=caller.name,
        actor_user_id=caller.user_id,
        kind=kind,
        details=details,
        occurred_at=clock.now(),
    )
    repository.add(session, event)
    case.updated_at = event.occurred_at
    return event


def announce(session: Session, case: Case, event_type: str, **extra: Any) -> None:
    payload = {"case": CaseOut.model_validate(case).model_dump(mode="json"), **extra}
    delivery.queue_webhook(session, case.workspace_id, event_type, payload)


def open_case(
    session: Session,
    caller: Caller,
    feedback_id: uuid.UUID,
    params: OpenCaseParams,
    rule_id: uuid.UUID | None = None,
    owner: AssignIn | None = None,
) -> tuple[Case, bool]:
    """The case for this record, and whether it is new. A record already in a case stays in it; a record
    of a customer who has an open case joins that case (one conversation, not duplicates). `owner` (a member
    and/or a team picked by hand) takes the place of `params.assignment` for a new case."""
    record = feedback_service.get(session, caller.workspace_id, feedback_id)
    existing = repository.case_of_record(session, caller.workspace_id, feedback_id)
    if existing is not None:
        return existing, False
    if record.customer_id is None:
        return _new_case(session, caller, record, params, rule_id, owner), True
    open_one = repository.open_case_of_customer(session, caller.workspace_id, record.customer_id)
    if open_one is None:
        try:
            with session.begin_nested():
                return _new_case(session, caller, record, params, rule_id, owner), True
        except IntegrityError:  # another transaction opened this customer's case since we looked
            open_one = repository.open_case_of_customer(session, caller.workspace_id, record.customer_id)
            if open_one is None:
                raise
    _add_record(session, open_one, caller, record)
    return open_one, False


def _add_record(session: Session, case: Case, caller: Caller, record: FeedbackOut) -> None:
    repository.add(
        session, CaseRecord(case_id=case.id, feedback_id=record.id, workspace_id=case.workspace_id)
    )
    case.detractor = case.detractor or _is_detractor(record)
    record_event(session, case, caller, "record_added", feedback_id=str(record.id))


def _is_detractor(record: FeedbackOut) -> bool:
    return record.nps is not None and record.nps <= DETRACTOR_MAX


def existing_case(session: Session, caller: Caller, record: FeedbackOut) -> tuple[Case | None, bool]:
    """The case a record would go to if a case were opened for it now, and whether the record is already in
    it (False: it would join the customer's open case); (None, False) when a new case would be opened."""
    existing = repository.case_of_record(session, caller.workspace_id, record.id)
    if existing is not None:
        return existing, True
    if record.customer_id is None:
        return None, False
    return repository.open_case_of_customer(session, caller.workspace_id, record.customer_id), False


def default_title(record: FeedbackOut) -> str:
    """The title a case opened for this record gets unless one is given: the start of its text."""
    return _title(record)


def _title(record: FeedbackOut) -> str:
    text = " ".join((record.text or record.title or "").split())
    if not text:
        return f"Follow up {record.channel} feedback"
    return text if len(text) <= TITLE_LENGTH else text[: TITLE_LENGTH - 1] + "…"


def _new_case(
    session: Session,
    caller: Caller,
    record: FeedbackOut,
    params: OpenCaseParams,
    rule_id: uuid.UUID | None,
    owner: AssignIn | None = None,
) -> Case:
    now = clock.now()
    rules = sla.policy(session, caller.workspace_id)
    first_due, resolution_due = sla.due_times(
        rules, params.priority, now, params.first_contact_hours, params.resolution_hours
    )
    case = Case(
        workspace_id=caller.workspace_id,
        customer_id=record.customer_id,
        title=params.title or _title(record),
        priority=params.priority,
        status=Status.NEW,
        detractor=_is_detractor(record),
        rule_id=rule_id,
        first_contact_due=first_due,
        resolution_due=resolution_due,
        opened_at=now,
        updated_at=now,
    )
    repository.add(session, case)
    repository.add(
        session, CaseRecord(case_id=case.id, feedback_id=record.id, workspace_id=case.workspace_id)
    )
    record_event(
        session, case, caller, "opened", feedback_id=str(record.id), rule_id=rule_id and str(rule_id)
    )
    if owner is not None and (owner.assignee_id or owner.team_id):
        _hand_to(session, case, caller, owner)
    else:
        _first_assignment(session, case, caller, params)
    audit.record(session, case.workspace_id, caller.audit_actor(), "case.open", "case", case.id)
    announce(session, case, "case.opened")
    sla.schedule(session, case.workspace_id, case)
    return case


def _check_no_other_open_case(session: Session, case: Case) -> None:
    """A customer has one open case at a time: reopening waits until their newer case is resolved."""
    if case.customer_id is None:
        return
    other = repository.open_case_of_customer(session, case.workspace_id, case.customer_id)
    if other is not None and other.id != case.id:
        raise Conflict(
            f"the customer has another open case ({other.id}); work on that one, or resolve it first"
        )


def _first_assignment(session: Session, case: Case, caller: Caller, params: OpenCaseParams) -> None:
    """The rule's or the caller's choice; an agent who opens a case by hand without one takes it."""
    if params.assignment is None:
        if caller.user_id is not None and not caller.manages:
            _set_assignment(session, case, caller, caller.user_id, None)
        return
    outcome = assignment.resolve(session, case.workspace_id, params.assignment, case.customer_id)
    if outcome.problem:
        record_event(session, case, caller, "assignment_failed", reason=outcome.problem)
    if outcome.assignee_id or outcome.team_id:
        _check_reach(session, caller, outcome.assignee_id, outcome.team_id)
        _set_assignment(session, case, caller, outcome.assignee_id, outcome.team_id)


def _check_reach(
    session: Session, caller: Caller, assignee_id: uuid.UUID | None, team_id: uuid.UUID | None
) -> None:
    """Agents hand cases only to themselves, their teams and their team mates (never to no one)."""
    if caller.manages:
        return
    if assignee_id is None and team_id is None:
        raise Forbidden("agents may not leave a case without an owner; hand it to a team or a team mate")
    scope = scope_of(session, caller)
    mates = {m.user_id for t in scope.team_ids for m in repository.members(session, t)} | {caller.user_id}
    if (assignee_id is not None and assignee_id not in mates) or (
        team_id is not None and team_id not in scope.team_ids
    ):
        raise Forbidden("agents may assign cases only to themselves, their teams and their team mates")


def _set_assignment(
    session: Session, case: Case, caller: Caller, assignee_id: uuid.UUID | None, team_id: uuid.UUID | None
) -> None:
    before = {
        "assignee_id": case.assignee_id and str(case.assignee_id),
        "team_id": case.team_id and str(case.team_id),
    }
    case.assignee_id, case.team_id = assignee_id, team_id
    after = {"assignee_id": assignee_id and str(assignee_id), "team_id": team_id and str(team_id)}
    record_event(session, case, caller, "assigned", before=before, after=after)
    audit.record(session, case.workspace_id, caller.audit_actor(), "case.assign", "case", case.id, after)


def get(session: Session, caller: Caller, case_id: uuid.UUID) -> Case:
    case = repository.get(session, scope_of(session, caller), case_id)
    if case is None:
        raise NotFound(f"case {case_id}")
    return case


def feedback_ids(session: Session, case: Case) -> list[uuid.UUID]:
    return repository.feedback_ids(session, case.id)


def of_customer(session: Session, caller: Caller, customer_id: uuid.UUID, limit: int = 20) -> list[Case]:
    """The customer's cases the caller may see, open ones first."""
    return repository.cases_of_customer(session, scope_of(session, caller), customer_id, limit)


def cases_of_records(
    session: Session, caller: Caller, feedback_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    """{record id: case id} for these records that belong to a case the caller may see."""
    return repository.cases_of_records(session, scope_of(session, caller), feedback_ids)


def events(session: Session, case: Case) -> list[CaseEvent]:
    return repository.events(session, case.id)


def exported_of_customer(
    session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID
) -> list[CaseDetailOut]:
    """Every case of a customer, open or closed, with its records and its whole history (notes included),
    for the customer's data export."""
    every = repository.every_case_of_customer(session, workspace_id, customer_id)
    return [detail(session, case) for case in every]


def detail(session: Session, case: Case) -> CaseDetailOut:
    return CaseDetailOut(
        **CaseOut.model_validate(case).model_dump(),
        feedback_ids=feedback_ids(session, case),
        events=[EventOut.model_validate(e) for e in events(session, case)],
    )


def inbox(
    session: Session, caller: Caller, filters: Filters, limit: int = 100, offset: int = 0
) -> list[Case]:
    if (filters.mine or filters.mentioned) and caller.user_id is None:
        field = "mine" if filters.mine else "mentioned"
        raise Invalid("no user", [Problem("needs a user: this API key is tied to none", field)])
    return repository.inbox(session, scope_of(session, caller), filters, caller.user_id, limit, offset)


def waiting(session: Session, caller: Caller) -> tuple[int, int]:
    """How many of the caller's cases are open, and how many of those have broken an SLA."""
    scope = scope_of(session, caller)
    return (
        repository.count(session, scope, Filters(status="open"), caller.user_id),
        repository.count(session, scope, Filters(status="open", sla="breached"), caller.user_id),
    )


def assign(session: Session, caller: Caller, case_id: uuid.UUID, data: AssignIn) -> Case:
    case = get(session, caller, case_id)
    _hand_to(session, case, caller, data)
    return case


def _hand_to(session: Session, case: Case, caller: Caller, data: AssignIn) -> None:
    if data.team_id is not None and repository.team(session, case.workspace_id, data.team_id) is None:
        raise Invalid("unknown team", [Problem("is not a team of this workspace", "team_id")])
    if data.assignee_id is not None:
        _check_member(session, case.workspace_id, data.assignee_id)
    _check_reach(session, caller, data.assignee_id, data.team_id)
    _set_assignment(session, case, caller, data.assignee_id, data.team_id)


def _check_member(session: Session, workspace_id: uuid.UUID, user_id: uuid.UUID) -> None:
    if not any(m.workspace_id == workspace_id for m in auth_service.memberships_of(session, user_id)):
        raise Invalid("unknown assignee", [Problem("is not a member of this workspace", "assignee_id")])


def change(session: Session, caller: Caller, case_id: uuid.UUID, data: CaseChange) -> Case:
    case = get(session, caller, case_id)
    given = {
        name: value for name, value in data.model_dump().items() if value is not None
    }  # "" clears a code
    _check_codes(session, case.workspace_id, given)
    changed = {
        name: {"from": getattr(case, name), "to": value}
        for name, value in given.items()
        if getattr(case, name) != value
    }
    for name, value in given.items():
        setattr(case, name, value or None)
    if changed:
        record_event(session, case, caller, "changed", **changed)
    return case


def _check_codes(session: Session, workspace_id: uuid.UUID, given: dict[str, Any]) -> None:
    problems = [
        Problem(
            f"{value!r} is not a {kind.value.replace('_', '-')} code of this workspace", f"{kind.value}_code"
        )
        for kind in CodeKind
        if (value := given.get(f"{kind.value}_code"))
        and repository.code(session, workspace_id, kind, value) is None
    ]
    if problems:
        raise Invalid("unknown code", problems)


def move(session: Session, caller: Caller, case: Case, target: Status) -> None:
    """Move the case to `target` (409 when its status does not lead there), setting the times it marks."""
    current = Status(case.status)
    if target not in NEXT[current]:
        allowed = ", ".join(NEXT[current])
        raise Conflict(f"a {current.value} case cannot become {target.value}; it can become: {allowed}")
    if target in OPEN_STATUSES and current not in OPEN_STATUSES:
        _check_no_other_open_case(session, case)
    now = clock.now()
    if target == Status.CONTACTED:
        case.first_contacted_at = now
    elif target == Status.RESOLVED:
        case.resolved_at = now
    elif target == Status.CLOSED:
        case.closed_at = now
    elif current in (Status.RESOLVED, Status.CLOSED):
        case.resolved_at, case.closed_at = None, None
    case.status = target
    record_event(session, case, caller, "status", **{"from": current.value, "to": target.value})
    announce(session, case, "case.status_changed", previous_status=current.value)
    if target == Status.CLOSED or current == Status.CLOSED:
        action = "case.close" if target == Status.CLOSED else "case.reopen"
        audit.record(session, case.workspace_id, caller.audit_actor(), action, "case", case.id)
    if target in OPEN_STATUSES:
        sla.schedule(session, case.workspace_id, case)
