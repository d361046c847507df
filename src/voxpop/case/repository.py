"""Every query of the case domain."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, delete, false, func, or_, select
from sqlalchemy.orm import Session

from voxpop.case.models import (
    OPEN_STATUSES,
    Case,
    CaseCode,
    CaseEvent,
    CaseMention,
    CaseRecord,
    CaseTemplate,
    Priority,
    SavedView,
    SlaPolicy,
    Status,
    Team,
    TeamMember,
)
from voxpop.case.schemas import Filters
from voxpop.kit.jobs.models import Job, JobStatus

Row = Case | CaseRecord | CaseEvent | CaseMention | CaseCode | CaseTemplate | SavedView | SlaPolicy | Team
PRIORITY_ORDER = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}


@dataclass(frozen=True)
class Scope:
    """Which cases a caller may see: every case of the workspace, or those assigned to the user or to
    one of their teams, or that mention the user."""

    workspace_id: uuid.UUID
    everything: bool
    user_id: uuid.UUID | None = None
    team_ids: frozenset[uuid.UUID] = frozenset()

    def condition(self) -> ColumnElement[bool]:
        mine = Case.workspace_id == self.workspace_id
        if self.everything:
            return mine
        visible = []
        if self.user_id:
            mentioned = select(CaseMention.case_id).where(CaseMention.user_id == self.user_id)
            visible += [Case.assignee_id == self.user_id, Case.id.in_(mentioned)]
        if self.team_ids:
            visible.append(Case.team_id.in_(self.team_ids))
        return and_(mine, or_(*visible) if visible else false())


def add(session: Session, *rows: Row | TeamMember) -> None:
    session.add_all(rows)
    session.flush()


def get(session: Session, scope: Scope, case_id: uuid.UUID) -> Case | None:
    return session.scalars(select(Case).where(scope.condition(), Case.id == case_id)).first()


def get_in_workspace(session: Session, workspace_id: uuid.UUID, case_id: uuid.UUID) -> Case | None:
    return session.scalars(select(Case).where(Case.workspace_id == workspace_id, Case.id == case_id)).first()


def open_case_of_customer(session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID) -> Case | None:
    return session.scalars(
        select(Case)
        .where(Case.workspace_id == workspace_id, Case.customer_id == customer_id)
        .where(Case.status.in_(OPEN_STATUSES))
        .order_by(Case.opened_at)
    ).first()


def every_case_of_customer(session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID) -> list[Case]:
    return list(
        session.scalars(
            select(Case)
            .where(Case.workspace_id == workspace_id, Case.customer_id == customer_id)
            .order_by(Case.opened_at, Case.id)
        )
    )


def case_of_record(session: Session, workspace_id: uuid.UUID, feedback_id: uuid.UUID) -> Case | None:
    return session.scalars(
        select(Case)
        .join(CaseRecord, CaseRecord.case_id == Case.id)
        .where(CaseRecord.workspace_id == workspace_id, CaseRecord.feedback_id == feedback_id)
    ).first()


def feedback_ids(session: Session, case_id: uuid.UUID) -> list[uuid.UUID]:
    return list(
        session.scalars(
            select(CaseRecord.feedback_id).where(CaseRecord.case_id == case_id).order_by(CaseRecord.added_at)
        )
    )


def events(session: Session, case_id: uuid.UUID) -> list[CaseEvent]:
    return list(
        session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case_id)
            .order_by(CaseEvent.occurred_at, CaseEvent.id)
        )
    )


def _next_due() -> ColumnElement[datetime]:
    return case((Case.first_contacted_at.is_(None), Case.first_contact_due), else_=Case.resolution_due)


def inbox(
    session: Session, scope: Scope, filters: Filters, user_id: uuid.UUID | None, limit: int, offset: int
) -> list[Case]:
    query = _filtered(select(Case).where(scope.condition()), filters, user_id)
    order: dict[str, list[Any]] = {
        "due": [_next_due(), Case.opened_at],
        "opened": [Case.opened_at.desc()],
        "priority": [case(PRIORITY_ORDER, value=Case.priority), _next_due()],
    }
    return list(session.scalars(query.order_by(*order[filters.sort], Case.id).limit(limit).offset(offset)))


def count(session: Session, scope: Scope, filters: Filters, user_id: uuid.UUID | None) -> int:
    query = _filtered(select(func.count(Case.id)).where(scope.condition()), filters, user_id)
    return int(session.scalar(query) or 0)


def _filtered(query: Select[Any], filters: Filters, user_id: uuid.UUID | None) -> Select[Any]:
    if filters.status == "open":
        query = query.where(Case.status.in_(OPEN_STATUSES))
    elif filters.status is not None:
        query = query.where(Case.status == filters.status)
    for column, value in (
        (Case.priority, filters.priority),
        (Case.assignee_id, filters.assignee_id),
        (Case.team_id, filters.team_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if filters.sla == "breached":
        query = query.where(
            or_(Case.first_contact_breached_at.isnot(None), Case.resolution_breached_at.isnot(None))
        )
    elif filters.sla == "due_soon":
        query = query.where(Case.status.in_(OPEN_STATUSES)).where(
            or_(
                and_(Case.first_contact_warned_at.isnot(None), Case.first_contact_breached_at.is_(None)),
                and_(Case.resolution_warned_at.isnot(None), Case.resolution_breached_at.is_(None)),
            )
        )
    if filters.mine:
        query = query.where(Case.assignee_id == user_id)
    if filters.mentioned:
        mentioned = select(CaseMention.case_id).where(CaseMention.user_id == user_id)
        query = query.where(Case.id.in_(mentioned))
    return query


def open_cases(session: Session, workspace_id: uuid.UUID) -> list[Case]:
    return list(
        session.scalars(select(Case).where(Case.workspace_id == workspace_id, Case.status.in_(OPEN_STATUSES)))
    )


def closed_cases(
    session: Session, workspace_id: uuid.UUID, since: datetime | None, until: datetime | None
) -> list[Case]:
    query = select(Case).where(Case.workspace_id == workspace_id, Case.status == Status.CLOSED)
    if since is not None:
        query = query.where(Case.closed_at >= since)
    if until is not None:
        query = query.where(Case.closed_at < until)
    return list(session.scalars(query.order_by(Case.closed_at)))


def teams(session: Session, workspace_id: uuid.UUID) -> list[Team]:
    return list(session.scalars(select(Team).where(Team.workspace_id == workspace_id).order_by(Team.name)))


def team(session: Session, workspace_id: uuid.UUID, team_id: uuid.UUID) -> Team | None:
    return session.scalars(select(Team).where(Team.workspace_id == workspace_id, Team.id == team_id)).first()


def team_by_name(session: Session, workspace_id: uuid.UUID, name: str) -> Team | None:
    return session.scalars(select(Team).where(Team.workspace_id == workspace_id, Team.name == name)).first()


def members(session: Session, team_id: uuid.UUID) -> list[TeamMember]:
    return list(
        session.scalars(
            select(TeamMember).where(TeamMember.team_id == team_id).order_by(TeamMember.created_at)
        )
    )


def member(session: Session, team_id: uuid.UUID, user_id: uuid.UUID) -> TeamMember | None:
    return session.get(TeamMember, (team_id, user_id))


def remove_member(session: Session, team_id: uuid.UUID, user_id: uuid.UUID) -> int:
    result = session.execute(
        delete(TeamMember).where(TeamMember.team_id == team_id, TeamMember.user_id == user_id)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def team_ids_of(session: Session, workspace_id: uuid.UUID, user_id: uuid.UUID) -> frozenset[uuid.UUID]:
    return frozenset(
        session.scalars(
            select(TeamMember.team_id).where(
                TeamMember.workspace_id == workspace_id, TeamMember.user_id == user_id
            )
        )
    )


def next_in_rotation(session: Session, team_id: uuid.UUID) -> TeamMember | None:
    """The member assigned longest ago (never-assigned members first, in the order they joined)."""
    return session.scalars(
        select(TeamMember)
        .where(TeamMember.team_id == team_id)
        .order_by(
            TeamMember.last_assigned_at.is_not(None), TeamMember.last_assigned_at, TeamMember.created_at
        )
        .with_for_update()
    ).first()


def codes(session: Session, workspace_id: uuid.UUID) -> list[CaseCode]:
    return list(
        session.scalars(
            select(CaseCode)
            .where(CaseCode.workspace_id == workspace_id)
            .order_by(CaseCode.kind, CaseCode.code)
        )
    )


def code(session: Session, workspace_id: uuid.UUID, kind: str, value: str) -> CaseCode | None:
    return session.scalars(
        select(CaseCode).where(
            CaseCode.workspace_id == workspace_id, CaseCode.kind == kind, CaseCode.code == value
        )
    ).first()


def code_by_id(session: Session, workspace_id: uuid.UUID, code_id: uuid.UUID) -> CaseCode | None:
    return session.scalars(
        select(CaseCode).where(CaseCode.workspace_id == workspace_id, CaseCode.id == code_id)
    ).first()


def templates(session: Session, workspace_id: uuid.UUID) -> list[CaseTemplate]:
    return list(
        session.scalars(
            select(CaseTemplate).where(CaseTemplate.workspace_id == workspace_id).order_by(CaseTemplate.name)
        )
    )


def template(session: Session, workspace_id: uuid.UUID, template_id: uuid.UUID) -> CaseTemplate | None:
    return session.scalars(
        select(CaseTemplate).where(CaseTemplate.workspace_id == workspace_id, CaseTemplate.id == template_id)
    ).first()


def template_by_name(session: Session, workspace_id: uuid.UUID, name: str) -> CaseTemplate | None:
    return session.scalars(
        select(CaseTemplate).where(CaseTemplate.workspace_id == workspace_id, CaseTemplate.name == name)
    ).first()


def views(session: Session, workspace_id: uuid.UUID, user_id: uuid.UUID) -> list[SavedView]:
    return list(
        session.scalars(
            select(SavedView)
            .where(SavedView.workspace_id == workspace_id, SavedView.user_id == user_id)
            .order_by(SavedView.name)
        )
    )


def view(
    session: Session, workspace_id: uuid.UUID, user_id: uuid.UUID, view_id: uuid.UUID
) -> SavedView | None:
    return session.scalars(
        select(SavedView).where(
            SavedView.workspace_id == workspace_id, SavedView.user_id == user_id, SavedView.id == view_id
        )
    ).first()


def view_by_name(
    session: Session, workspace_id: uuid.UUID, user_id: uuid.UUID, name: str
) -> SavedView | None:
    return session.scalars(
        select(SavedView).where(
            SavedView.workspace_id == workspace_id, SavedView.user_id == user_id, SavedView.name == name
        )
    ).first()


def delete_row(session: Session, row: Row) -> None:
    session.delete(row)
    session.flush()


def policy(session: Session, workspace_id: uuid.UUID) -> SlaPolicy | None:
    return session.get(SlaPolicy, workspace_id)


def pending_job(
    session: Session, workspace_id: uuid.UUID, name: str, other_than: uuid.UUID | None
) -> Job | None:
    query = select(Job).where(
        Job.name == name, Job.workspace_id == workspace_id, Job.status == JobStatus.PENDING
    )
    if other_than is not None:
        query = query.where(Job.id != other_than)
    return session.scalars(query.order_by(Job.run_after)).first()


def cases_of_customer(session: Session, scope: Scope, customer_id: uuid.UUID, limit: int) -> list[Case]:
    """The customer's cases the scope may see, open ones first, newest first (ix_cases_workspace_customer)."""
    still_open = case((Case.status.in_(OPEN_STATUSES), 0), else_=1)
    query = select(Case).where(scope.condition(), Case.customer_id == customer_id)
    return list(session.scalars(query.order_by(still_open, Case.opened_at.desc()).limit(limit)))


def cases_of_records(
    session: Session, scope: Scope, feedback_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    """{record id: case id} for the records among these that belong to a case the scope may see."""
    if not feedback_ids:
        return {}
    rows = session.execute(
        select(CaseRecord.feedback_id, Case.id)
        .join(Case, Case.id == CaseRecord.case_id)
        .where(scope.condition(), CaseRecord.feedback_id.in_(list(feedback_ids)))
    )
    return {row.feedback_id: row.id for row in rows}
