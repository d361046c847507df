"""The cases set-up page, for admins: teams and their members, root-cause and resolution codes, follow-up
email templates and the SLA policy. Each section is a plain form (no JavaScript needed) posting to its own
address. A change goes through the service function the API calls, is audited as the API audits it, and
comes back to the page (303); a refusal shows the page again with each problem beside its field."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from voxpop.auth import service as auth_service
from voxpop.auth.roles import Permission, allows
from voxpop.case import setup, sla
from voxpop.case.access import Caller, caller_of
from voxpop.case.models import CaseTemplate, CodeKind, Priority
from voxpop.case.schemas import PLACEHOLDERS, CodeIn, MemberIn, PolicyIn, PolicyOut, TeamIn, TemplateIn
from voxpop.kit.errors import DomainError, NotFound, Problem, problems_from_errors
from voxpop.web.deps import SessionDep
from voxpop.web.pages import PageContext, page_permission, render

router = APIRouter(include_in_schema=False)
SETUP = "/cases/setup"
FACTOR = "priority_factors."
Fields = dict[str, str]
Change = Callable[[Caller, Fields], None]


@dataclass(frozen=True)
class SetupForm:
    """One form of the page: its name (the prefix of its fields' ids), the field beside which a problem
    that names none is shown, and the section of the page it belongs to."""

    name: str
    main: str
    section: str


@dataclass(frozen=True)
class Attempt:
    """A refused form: what was typed, and the problems by the id of their field."""

    form: SetupForm
    values: Fields
    errors: dict[str, list[str]]


TEMPLATE_FORM = SetupForm("template", "name", "templates")
CaseAdmin = Annotated[PageContext, Depends(page_permission(Permission.MANAGE_CASES, "set up cases"))]


def _pick(fields: Fields, *names: str) -> Fields:
    return {name: fields.get(name, "") for name in names}


@router.get(SETUP)
def setup_page(
    request: Request, session: SessionDep, page: CaseAdmin, template_id: uuid.UUID | None = None
) -> HTMLResponse:
    """`template_id` fills the template form with that template, to edit it."""
    return _page(request, session, page, editing=template_id)


def _page(
    request: Request,
    session: Session,
    page: PageContext,
    status: int = 200,
    attempt: Attempt | None = None,
    editing: uuid.UUID | None = None,
) -> HTMLResponse:
    workspace_id = page.principal.workspace_id
    templates = setup.templates(session, workspace_id)
    edited = _edited(templates, editing)
    forms = {"sla": _policy_fields(sla.policy(session, workspace_id)), "template": _template_fields(edited)}
    if attempt is not None:
        forms[attempt.form.name] = attempt.values
    rosters = setup.rosters(session, workspace_id)
    return render(
        request,
        "case/setup.html",
        status,
        page=page,
        rosters=rosters,
        candidates=_candidates(session, workspace_id, rosters),
        codes=setup.codes(session, workspace_id),
        kinds=list(CodeKind),
        templates=templates,
        editing=edited,
        placeholders=["{" + p + "}" for p in PLACEHOLDERS],
        priorities=list(Priority),
        factor=FACTOR,
        forms=forms,
        errors=attempt.errors if attempt else {},
    )


def _candidates(
    session: Session, workspace_id: uuid.UUID, rosters: list[setup.Roster]
) -> dict[uuid.UUID, list[str]]:
    """Per team, the emails of the members of the workspace who work cases and are not in it yet."""
    workers = sorted(
        user.email
        for user, role in auth_service.members_of(session, workspace_id)
        if allows(role, Permission.WORK_CASES)
    )
    candidates = {}
    for roster in rosters:
        members = {email for _, email in roster.members}
        candidates[roster.team.id] = [email for email in workers if email not in members]
    return candidates


def _edited(templates: list[CaseTemplate], template_id: uuid.UUID | None) -> CaseTemplate | None:
    if template_id is None:
        return None
    found = next((t for t in templates if t.id == template_id), None)
    if found is None:
        raise NotFound(f"template {template_id}")
    return found


def _policy_fields(policy: PolicyOut) -> Fields:
    factors = {f"{FACTOR}{p.value}": f"{f:g}" for p, f in policy.priority_factors.items()}
    return {
        "first_contact_hours": f"{policy.first_contact_hours:g}",
        "resolution_hours": f"{policy.resolution_hours:g}",
        "warn_at_percent": str(policy.warn_at_percent),
        **factors,
    }


def _template_fields(template: CaseTemplate | None) -> Fields:
    if template is None:
        return {}
    return {"name": template.name, "subject": template.subject, "body": template.body}


async def _submit(
    request: Request,
    session: Session,
    page: PageContext,
    form: SetupForm,
    change: Change,
    editing: uuid.UUID | None = None,
) -> Response:
    posted = await request.form()
    fields = {name: value for name, value in posted.items() if isinstance(value, str)}
    return await run_in_threadpool(_apply, request, session, page, form, fields, change, editing)


def _apply(
    request: Request,
    session: Session,
    page: PageContext,
    form: SetupForm,
    fields: Fields,
    change: Change,
    editing: uuid.UUID | None,
) -> Response:
    """Check the form, make the change as the signed-in admin and commit once; a refusal (other than 403
    and 404, which stay refusals of the whole request) shows the page again with the problems."""
    caller = caller_of(session, page.principal)
    try:
        change(caller, fields)
    except (ValidationError, DomainError) as error:
        if isinstance(error, DomainError) and error.status in (403, 404):
            raise
        session.rollback()
        status = error.status if isinstance(error, DomainError) else 422
        attempt = Attempt(form, fields, _errors(form, error))
        return _page(request, session, page, status, attempt, editing)
    session.commit()
    return RedirectResponse(f"{SETUP}#{form.section}", status_code=303)


def _errors(form: SetupForm, error: ValidationError | DomainError) -> dict[str, list[str]]:
    if isinstance(error, ValidationError):
        problems = problems_from_errors(list(error.errors()))
    else:
        problems = error.problems or [Problem(error.message)]
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(f"{form.name}-{problem.field or form.main}", []).append(problem.reason)
    return errors


@router.post(f"{SETUP}/teams")
async def create_team(request: Request, session: SessionDep, page: CaseAdmin) -> Response:
    def change(caller: Caller, fields: Fields) -> None:
        setup.create_team(session, caller, TeamIn.model_validate(_pick(fields, "name")).name)

    return await _submit(request, session, page, SetupForm("team", "name", "teams"), change)


@router.post(f"{SETUP}/teams/{{team_id}}/members")
async def add_member(team_id: uuid.UUID, request: Request, session: SessionDep, page: CaseAdmin) -> Response:
    def change(caller: Caller, fields: Fields) -> None:
        body = MemberIn.model_validate(_pick(fields, "email"))
        setup.add_member(session, caller, team_id, body.email)

    return await _submit(request, session, page, SetupForm(f"member-{team_id}", "email", "teams"), change)


@router.post(f"{SETUP}/teams/{{team_id}}/members/{{user_id}}/remove")
async def remove_member(
    team_id: uuid.UUID, user_id: uuid.UUID, request: Request, session: SessionDep, page: CaseAdmin
) -> Response:
    def change(caller: Caller, _fields: Fields) -> None:
        setup.remove_member(session, caller, team_id, user_id)

    return await _submit(request, session, page, SetupForm(f"member-{team_id}", "email", "teams"), change)


@router.post(f"{SETUP}/codes")
async def create_code(request: Request, session: SessionDep, page: CaseAdmin) -> Response:
    def change(caller: Caller, fields: Fields) -> None:
        setup.create_code(session, caller, CodeIn.model_validate(_pick(fields, "kind", "code", "label")))

    return await _submit(request, session, page, SetupForm("code", "code", "codes"), change)


@router.post(f"{SETUP}/codes/{{code_id}}/remove")
async def remove_code(code_id: uuid.UUID, request: Request, session: SessionDep, page: CaseAdmin) -> Response:
    def change(caller: Caller, _fields: Fields) -> None:
        setup.delete_code(session, caller, code_id)

    return await _submit(request, session, page, SetupForm("code", "code", "codes"), change)


@router.post(f"{SETUP}/templates")
async def create_template(request: Request, session: SessionDep, page: CaseAdmin) -> Response:
    return await _submit(request, session, page, TEMPLATE_FORM, _template_change(session, None))


@router.post(f"{SETUP}/templates/{{template_id}}")
async def replace_template(
    template_id: uuid.UUID, request: Request, session: SessionDep, page: CaseAdmin
) -> Response:
    change = _template_change(session, template_id)
    return await _submit(request, session, page, TEMPLATE_FORM, change, template_id)


def _template_change(session: Session, template_id: uuid.UUID | None) -> Change:
    def change(caller: Caller, fields: Fields) -> None:
        body = TemplateIn.model_validate(_pick(fields, "name", "subject", "body"))
        setup.save_template(session, caller, body, template_id)

    return change


@router.post(f"{SETUP}/sla")
async def set_policy(request: Request, session: SessionDep, page: CaseAdmin) -> Response:
    def change(caller: Caller, fields: Fields) -> None:
        body = PolicyIn.model_validate(_policy_input(fields))
        sla.set_policy(session, caller, body)

    return await _submit(request, session, page, SetupForm("sla", "first_contact_hours", "sla"), change)


def _policy_input(fields: Fields) -> dict[str, Any]:
    """The policy as typed; a priority left empty gets no factor (its cases keep the full windows)."""
    factors = {
        p.value: fields[FACTOR + p.value] for p in Priority if fields.get(FACTOR + p.value, "").strip()
    }
    return {
        **_pick(fields, "first_contact_hours", "resolution_hours", "warn_at_percent"),
        "priority_factors": factors,
    }
