"""Workspace administration pages (admins): members and roles, invitations by email, API keys; and the page
an invited person opens from the email to join. Every change is audited (`members.service`)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from voxpop.auth import invitations
from voxpop.auth import service as auth_service
from voxpop.auth.roles import Permission, Role
from voxpop.kit import clock
from voxpop.kit.errors import DomainError, Problem, Unauthorized
from voxpop.members import service
from voxpop.web.deps import SessionDep
from voxpop.web.pages import PageContext, check_csrf, page_permission, problems_by_field, render
from voxpop.workspace import service as workspace_service

router = APIRouter(include_in_schema=False)
Admin = Annotated[PageContext, Depends(page_permission(Permission.MANAGE_WORKSPACE, "manage the workspace"))]
EXPIRY_CHOICES = (("30", "30 days"), ("90", "90 days"), ("365", "a year"), ("", "never"))
ROLE_HELP = {
    Role.ADMIN: "everything, members and keys included",
    Role.ANALYST: "reads everything, imports data, builds rules and initiatives",
    Role.AGENT: "works their own and their teams' cases",
    Role.VIEWER: "reads figures and themes",
}


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


# --- members and invitations --------------------------------------------------------------------------


@router.get("/settings/members")
def members_page(request: Request, session: SessionDep, page: Admin) -> HTMLResponse:
    return _members(request, session, page)


def _members(
    request: Request,
    session: Session,
    page: PageContext,
    errors: dict[str, list[str]] | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
    notice: str = "",
) -> HTMLResponse:
    return render(
        request,
        "members/members.html",
        status,
        page=page,
        members=service.members(session, page.principal.workspace_id),
        invitations=service.open_invitations(session, page.principal.workspace_id),
        roles=list(Role),
        role_help=ROLE_HELP,
        errors=errors or {},
        form=form or {},
        notice=notice or request.query_params.get("done", ""),
    )


def _members_action(
    request: Request, session: Session, page: PageContext, done: str, field: str, action: Any
) -> Response:
    """Do it, commit, and come back to the list saying what was done; a refusal shows the list again with
    the reason beside the member's row (`field`)."""
    try:
        action()
    except DomainError as error:
        if error.status == 404:
            raise
        session.rollback()
        problems = error.problems or [Problem(error.message, field)]
        errors = problems_by_field(Problem(p.reason, field) for p in problems)
        return _members(request, session, page, errors, status=error.status)
    session.commit()
    return RedirectResponse(f"/settings/members?done={done}", status_code=303)


@router.post("/settings/members/invite")
def invite_form(
    request: Request,
    session: SessionDep,
    page: Admin,
    email: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = Role.ANALYST.value,
) -> Response:
    try:
        invitation = service.invite(session, page.principal, email, role, _base_url(request))
    except DomainError as error:
        session.rollback()
        problems = error.problems or [Problem(error.message, "email")]
        form = {"email": email, "role": role}
        return _members(request, session, page, problems_by_field(problems), form, error.status)
    session.commit()
    return RedirectResponse(f"/settings/members?done=invited {invitation.email}", status_code=303)


@router.post("/settings/members/{user_id}/role")
def role_form(
    user_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    page: Admin,
    role: Annotated[str, Form()] = "",
) -> Response:
    def change() -> None:
        service.change_role(session, page.principal, user_id, role)

    return _members_action(request, session, page, "role changed", f"member-{user_id}", change)


@router.post("/settings/members/{user_id}/deactivate")
def deactivate_form(user_id: uuid.UUID, request: Request, session: SessionDep, page: Admin) -> Response:
    def deactivate() -> None:
        service.deactivate(session, page.principal, user_id)

    return _members_action(request, session, page, "deactivated", f"member-{user_id}", deactivate)


@router.post("/settings/members/{user_id}/reactivate")
def reactivate_form(user_id: uuid.UUID, request: Request, session: SessionDep, page: Admin) -> Response:
    def reactivate() -> None:
        service.reactivate(session, page.principal, user_id)

    return _members_action(request, session, page, "reactivated", f"member-{user_id}", reactivate)


@router.post("/settings/members/{user_id}/remove")
def remove_form(user_id: uuid.UUID, request: Request, session: SessionDep, page: Admin) -> Response:
    def remove() -> None:
        service.remove(session, page.principal, user_id)

    return _members_action(request, session, page, "removed", f"member-{user_id}", remove)


@router.post("/settings/invitations/{invitation_id}/withdraw")
def withdraw_form(invitation_id: uuid.UUID, request: Request, session: SessionDep, page: Admin) -> Response:
    def withdraw() -> None:
        service.withdraw(session, page.principal, invitation_id)

    return _members_action(request, session, page, "invitation withdrawn", "invitations", withdraw)


# --- API keys --------------------------------------------------------------------------------------------


@router.get("/settings/api-keys")
def keys_page(request: Request, session: SessionDep, page: Admin) -> HTMLResponse:
    return _keys(request, session, page)


def _keys(
    request: Request,
    session: Session,
    page: PageContext,
    errors: dict[str, list[str]] | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
    created: auth_service.NewApiKey | None = None,
) -> HTMLResponse:
    workspace_id = page.principal.workspace_id
    reply = render(
        request,
        "members/api_keys.html",
        status,
        page=page,
        keys=service.api_keys(session, workspace_id),
        people={m.user.id: m.user.email for m in service.members(session, workspace_id)},
        state=service.key_state,
        now=clock.now(),
        roles=list(Role),
        expiry_choices=EXPIRY_CHOICES,
        errors=errors or {},
        form=form
        or {"expires_in_days": "90", "role": Role.ANALYST.value, "acts_for": str(page.principal.user_id)},
        created=created,
        notice=request.query_params.get("done", ""),
    )
    if created is not None:
        reply.headers["Cache-Control"] = "no-store"  # the secret is on this page only
    return reply


@router.post("/settings/api-keys")
def create_key_form(
    request: Request,
    session: SessionDep,
    page: Admin,
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    expires_in_days: Annotated[str, Form()] = "",
    acts_for: Annotated[str, Form()] = "",
) -> Response:
    form = {"name": name, "role": role, "expires_in_days": expires_in_days, "acts_for": acts_for}
    try:
        days = int(expires_in_days) if expires_in_days else None
        user_id = uuid.UUID(acts_for) if acts_for else None
        created = service.create_key(session, page.principal, name, role, days, user_id)
    except ValueError:
        errors = {"expires_in_days": ["pick one of the choices"]}
        return _keys(request, session, page, errors, form, 422)
    except DomainError as error:
        session.rollback()
        problems = [Problem(p.reason, "acts_for" if p.field == "user" else p.field) for p in error.problems]
        return _keys(
            request,
            session,
            page,
            problems_by_field(problems or [Problem(error.message)]),
            form,
            error.status,
        )
    session.commit()
    return _keys(request, session, page, created=created)


@router.post("/settings/api-keys/{prefix}/revoke")
def revoke_key_form(prefix: str, request: Request, session: SessionDep, page: Admin) -> Response:
    key = service.revoke_key(session, page.principal, prefix)
    session.commit()
    return RedirectResponse(f"/settings/api-keys?done=revoked {key.prefix}", status_code=303)


# --- joining through an invitation (public: the link is the credential) ------------------------------------


@router.get("/invitations/{token}")
def invitation_page(token: str, request: Request, session: SessionDep) -> HTMLResponse:
    invitation = invitations.by_token(session, token)
    return _join(request, session, token, invitation, {})


def _join(
    request: Request,
    session: Session,
    token: str,
    invitation: Any,
    errors: dict[str, list[str]],
    status: int = 200,
    name: str = "",
) -> HTMLResponse:
    reply = render(
        request,
        "members/join.html",
        status,
        page=None,
        token=token,
        invitation=invitation,
        workspace=workspace_service.get(session, invitation.workspace_id),
        has_account=invitations.has_account(session, invitation),
        errors=errors,
        name=name,
    )
    reply.headers["Cache-Control"] = "no-store"
    return reply


@router.post("/invitations/{token}")
def join_form(
    token: str,
    request: Request,
    session: SessionDep,
    password: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf_token)
    invitation = invitations.by_token(session, token)
    address = request.client.host if request.client else "unknown"
    try:
        user = service.accept(session, token, password, name, address)
    except (DomainError, Unauthorized) as error:
        session.commit()  # nothing was written but a wrong password's count towards throttling
        if error.status in (404, 410):
            raise
        problems = error.problems or [Problem(error.message, "password")]
        errors = problems_by_field(Problem(p.reason, "password") for p in problems)
        return _join(request, session, token, invitation, errors, error.status, name)
    session.commit()
    request.session.clear()
    request.session.update(auth_service.new_session(user))
    request.session["workspace_id"] = str(invitation.workspace_id)
    return RedirectResponse("/", status_code=303)
