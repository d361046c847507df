"""What admins set up for cases: teams and their members, root-cause and resolution codes, follow-up
email templates; and each user's saved inbox views."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from voxpop.auth import service as auth_service
from voxpop.case import repository
from voxpop.case.models import CaseCode, CaseTemplate, SavedView, Team, TeamMember
from voxpop.case.schemas import CodeIn, Filters, TeamOut, TemplateIn, ViewIn
from voxpop.kit import clock
from voxpop.kit.errors import Conflict, Invalid, NotFound, Problem


def create_team(session: Session, workspace_id: uuid.UUID, name: str) -> Team:
    if repository.team_by_name(session, workspace_id, name) is not None:
        raise Conflict(f"a team named {name!r} already exists")
    team = Team(workspace_id=workspace_id, name=name)
    repository.add(session, team)
    return team


def get_team(session: Session, workspace_id: uuid.UUID, team_id: uuid.UUID) -> Team:
    team = repository.team(session, workspace_id, team_id)
    if team is None:
        raise NotFound(f"team {team_id}")
    return team


def describe_teams(session: Session, workspace_id: uuid.UUID) -> list[TeamOut]:
    emails = {user.id: user.email for user, _ in auth_service.members_of(session, workspace_id)}
    return [
        TeamOut(
            id=t.id,
            name=t.name,
            members=[emails.get(m.user_id, str(m.user_id)) for m in repository.members(session, t.id)],
        )
        for t in repository.teams(session, workspace_id)
    ]


def add_member(session: Session, workspace_id: uuid.UUID, team_id: uuid.UUID, email: str) -> Team:
    team = get_team(session, workspace_id, team_id)
    user = next((u for u, _ in auth_service.members_of(session, workspace_id) if u.email == email), None)
    if user is None:
        raise Invalid("unknown member", [Problem(f"{email} is not a member of this workspace", "email")])
    if repository.member(session, team.id, user.id) is None:
        repository.add(session, TeamMember(team_id=team.id, user_id=user.id, workspace_id=workspace_id))
    return team


def remove_member(session: Session, workspace_id: uuid.UUID, team_id: uuid.UUID, user_id: uuid.UUID) -> Team:
    team = get_team(session, workspace_id, team_id)
    if not repository.remove_member(session, team.id, user_id):
        raise NotFound(f"member {user_id} of team {team.name}")
    return team


def codes(session: Session, workspace_id: uuid.UUID) -> list[CaseCode]:
    return repository.codes(session, workspace_id)


def templates(session: Session, workspace_id: uuid.UUID) -> list[CaseTemplate]:
    return repository.templates(session, workspace_id)


def views(session: Session, workspace_id: uuid.UUID, user_id: uuid.UUID) -> list[SavedView]:
    return repository.views(session, workspace_id, user_id)


def create_code(session: Session, workspace_id: uuid.UUID, data: CodeIn) -> CaseCode:
    if repository.code(session, workspace_id, data.kind, data.code) is not None:
        raise Conflict(f"the {data.kind.value} code {data.code!r} already exists")
    code = CaseCode(workspace_id=workspace_id, kind=data.kind, code=data.code, label=data.label)
    repository.add(session, code)
    return code


def delete_code(session: Session, workspace_id: uuid.UUID, code_id: uuid.UUID) -> CaseCode:
    """Cases closed with the code keep it; it is no longer offered."""
    code = repository.code_by_id(session, workspace_id, code_id)
    if code is None:
        raise NotFound(f"code {code_id}")
    repository.delete_row(session, code)
    return code


def save_template(
    session: Session, workspace_id: uuid.UUID, data: TemplateIn, template_id: uuid.UUID | None
) -> CaseTemplate:
    """Create a template (no id) or replace one; names are unique in the workspace."""
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
