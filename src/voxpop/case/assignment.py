"""Who gets a new case: a named user, a team (unassigned within it), the next member of a team by
round-robin, or the team a customer attribute (a region) maps to. A name that no longer resolves leaves the
case unassigned, with the reason in its history, rather than losing it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from voxpop.auth import service as auth_service
from voxpop.case import repository
from voxpop.case.models import Team
from voxpop.case.schemas import Assignment, ByRegion, RoundRobin, ToTeam, ToUser
from voxpop.customer import service as customer_service
from voxpop.kit import clock
from voxpop.kit.errors import NotFound


@dataclass(frozen=True)
class Outcome:
    assignee_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    problem: str | None = None


def resolve(
    session: Session, workspace_id: uuid.UUID, assignment: Assignment, customer_id: uuid.UUID | None
) -> Outcome:
    if isinstance(assignment, ToUser):
        return _user(session, workspace_id, assignment.email)
    if isinstance(assignment, ByRegion):
        return _region(session, workspace_id, assignment, customer_id)
    team = repository.team_by_name(session, workspace_id, assignment.team)
    if team is None:
        return Outcome(problem=f"there is no team named {assignment.team!r}")
    if isinstance(assignment, RoundRobin):
        return rotate(session, team)
    assert isinstance(assignment, ToTeam)
    return Outcome(team_id=team.id)


def _user(session: Session, workspace_id: uuid.UUID, email: str) -> Outcome:
    try:
        user = auth_service.user_by_email(session, email)
    except NotFound:
        return Outcome(problem=f"there is no user {email}")
    if not any(m.workspace_id == workspace_id for m in auth_service.memberships_of(session, user.id)):
        return Outcome(problem=f"{email} is not a member of this workspace")
    return Outcome(assignee_id=user.id)


def rotate(session: Session, team: Team) -> Outcome:
    """The team's member who has waited longest since their last case gets this one."""
    member = repository.next_in_rotation(session, team.id)
    if member is None:
        return Outcome(team_id=team.id, problem=f"the team {team.name!r} has no members")
    member.last_assigned_at = clock.now()
    return Outcome(assignee_id=member.user_id, team_id=team.id)


def _region(
    session: Session, workspace_id: uuid.UUID, assignment: ByRegion, customer_id: uuid.UUID | None
) -> Outcome:
    attributes = customer_service.get(session, workspace_id, customer_id).attributes if customer_id else {}
    value = attributes.get(assignment.attribute)
    name = assignment.teams.get(str(value)) if value is not None else None
    name = name or assignment.default
    if name is None:
        return Outcome(problem=f"the customer's {assignment.attribute} ({value}) maps to no team")
    spec = (
        RoundRobin(type="round_robin", team=name)
        if assignment.round_robin
        else ToTeam(type="team", team=name)
    )
    return resolve(session, workspace_id, spec, customer_id)
