"""What admins set up for cases: teams and their members, root-cause and resolution codes, follow-up
email templates; and each user's saved inbox views."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from voxpop.audit import service as audit
from voxpop.auth import service as auth_service
from voxpop.case import repository
from voxpop.case.access import Caller
from voxpop.case.models import CaseCode, CaseTemplate, SavedView, Team, TeamMember
from voxpop.case.schemas import CodeIn, Filters, TeamOut, TemplateIn, ViewIn
from voxpop.kit import clock
from voxpop.kit.errors import Conflict, Invalid, NotFound, Problem


def create_team(session: Session, caller: Caller, name: str) -> Team:
    if repository.team_by_name(session, caller.workspace_id, name) is not None:
        raise Conflict(f"a team named {name!r} already exists")
    team = Team(workspace_id=caller.workspace_id, name=name)
    repository.add(session, team)
    audited(session, caller, "case_team.create", "case_team", team.id, name=team.name)
    return team


def audited(
    session: Session, caller: Caller, action: str, target: str, target_id: Any, **details: Any
) -> None:
    """Every change of the set-up goes to the audit log, whether it came through the API or a page."""
    audit.record(session, caller.workspace_id, caller.audit_actor(), action, target, target_id, details)


def get_team(session: Session, workspace_id: uuid.UUID, team_id: uuid.UUID) -> Team:
    team = repository.team(session, workspace_id, team_id)
    if team is None:
        raise NotFound(f"team {team_id}")
    return team


@dataclass(frozen=True)
class Roster:
    """A team and its members as (user id, email); a user who left the workspace is named by their id."""

    team: Team
    members: list[tuple[uuid.UUID, str]]


def rosters(session: Session, workspace_id: uuid.UUID) -> list[Roster]:
    emails = {user.id: user.email for user, _ in auth_service.members_of(session, workspace_id)}
    return [
        Roster(
            t, [(m.user_id, emails.get(m.user_id, str(m.user_id))) for m in repository.members(session, t.id)]
        )
        for t in repository.teams(session, workspace_id)
    ]


def describe_teams(session: Session, workspace_id: uuid.UUID) -> list[TeamOut]:
    return [
        TeamOut(id=r.team.id, name=r.team.name, members=[email for _, email in r.members])
        for r in rosters(session, workspace_id)
    ]


def add_member(session: Session, caller: Caller, team_id: uuid.UUID, email: str) -> Team:
    workspace_id = caller.workspace_id
    team = get_team(session, workspace_id, team_id)
    user = next((u for u, _ in auth_service.members_of(session, workspace_id) if u.email == email), None)
    if user is None:
        raise Invalid("unknown member", [Problem(f"{email} is not a member of this workspace", "email")])
    if repository.member(session, team.id, user.id) is None:
        repository.add(session, TeamMember(team_id=team.id, user_id=user.id, workspace_id=workspace_id))
    audited(session, caller, "case_team.add_member", "case_team", team.id, email=email)
    return team


def remove_member(session: Session, caller: Caller, team_id: uuid.UUID, user_id: uuid.UUID) -> Team:
    team = get_team(session, caller.workspace_id, team_id)
    if not repository.remove_member(session, team.id, user_id):
        raise NotFound(f"member {user_id} of team {team.name}")
    audited(session, caller, "case_team.remove_member", "case_team", team.id, user_id=str(user_id))
    return team


def codes(session: Session, workspace_id: uuid.UUID) -> list[CaseCode]:
    return repository.codes(session, workspace_id)


def templates(session: Session, workspace_id: uuid.UUID) -> list[CaseTemplate]:
    return repository.templates(session, workspace_id)


def views(session: Session, workspace_id: uuid.UUID, user_id: uuid.UUID) -> list[SavedView]:
    return repository.views(session, workspace_id, user_id)


def create_code(session: Session, caller: Caller, data: CodeIn) -> CaseCode:
    if repository.code(session, caller.workspace_id, data.kind, data.code) is not None:
        raise Conflict(f"the {data.kind.value} code {data.code!r} already exists")
    code = CaseCode(workspace_id=caller.workspace_id, kind=data.kind, code=data.code, label=data.label)
    repository.add(session, code)
    audited(session, caller, "case_code.create", "case_code", code.id, kind=code.kind, code=code.code)
    return code


def delete_code(session: Session, caller: Caller, code_id: uuid.UUID) -> CaseCode:
    """Cases closed with the code keep it; it is no longer offered."""
    code = repository.code_by_id(session, caller.workspace_id, code_id)
    if code is None:
        raise NotFound(f"code {code_id}")
    repository.delete_row(session, code)
    audited(session, caller, "case_code.delete", "case_code", code_id, kind=code.kind, code=code.code)
    return code


def save_template(
    session: Session, caller: Caller, data: TemplateIn, template_id: uuid.UUID | None
) -> CaseTemplate:
    """Create a template (no id) or replace one; names are unique in the workspace."""
    template = _stored_template(session, caller.workspace_id, data, template_id)
    audited(session, caller, "case_template.save", "case_template", template.id, name=template.name)
    return template


def _stored_template(
    session: Session, workspace_id: uuid.UUID, data: TemplateIn, template_id: uuid.UUID | None
) -> CaseTemplate:
    same_name = repository.template_by_name(session, workspace_id, data.name)
    if same_name is not None and same_name.id != template_id:
        raise Conflict(f"a template named {data.name!r} already exists")
    if template_id is None:
        created = CaseTemplate(workspace_id=workspace_id, **data.model_dump())
        repository.add(session, created)
        return created
    template = repository.template(session, workspace_id, template_id)
    if template is None:
        raise NotFound(f"template {template_id}")
    template.name, template.subject, template.body = data.name, data.subject, data.body
    template.updated_at = clock.now()
    return template


def save_view(session: Session, workspace_id: uuid.UUID, user_id: uuid.UUID, data: ViewIn) -> SavedView:
    """A view is saved under its name; saving the name again replaces its filters."""
    filters = data.filters.model_dump(mode="json", exclude_defaults=True)
    view = repository.view_by_name(session, workspace_id, user_id, data.name)
    if view is None:
        view = SavedView(workspace_id=workspace_id, user_id=user_id, name=data.name, filters=filters)
        repository.add(session, view)
    else:
        view.filters = filters
    return view


def view_filters(
    session: Session, workspace_id: uuid.UUID, user_id: uuid.UUID, view_id: uuid.UUID
) -> Filters:
    view = repository.view(session, workspace_id, user_id, view_id)
    if view is None:
        raise NotFound(f"saved view {view_id}")
    return Filters.model_validate(view.filters)


def delete_view(session: Session, workspace_id: uuid.UUID, user_id: uuid.UUID, view_id: uuid.UUID) -> None:
    view = repository.view(session, workspace_id, user_id, view_id)
    if view is None:
        raise NotFound(f"saved view {view_id}")
    repository.delete_row(session, view)
