"""What every server-rendered page shares: templates, the signed-in user, the workspace, CSRF tokens."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from voxpop.auth import service as auth_service
from voxpop.auth.roles import ROLE_PERMISSIONS, Permission, Role, allows
from voxpop.auth.service import Principal
from voxpop.kit.errors import Forbidden, Problem, Unauthorized
from voxpop.web import navigation
from voxpop.web.deps import SessionDep
from voxpop.workspace import service as workspace_service
from voxpop.workspace.models import Workspace

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals["navigation"] = navigation.for_role
CSRF_KEY = "csrf"


def csrf_token(request: Request) -> str:
    token = request.session.get(CSRF_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return str(token)


def check_csrf(request: Request, token: str | None) -> None:
    expected = request.session.get(CSRF_KEY)
    if not expected or not token or not hmac.compare_digest(str(expected), token):
        raise Forbidden("the form has expired or did not come from this site; reload the page and try again")


@dataclass(frozen=True)
class PageContext:
    principal: Principal
    email: str
    workspace: Workspace
    workspaces: list[Workspace]

    def can(self, permission: Permission) -> bool:
        return allows(self.principal.role, permission)


def page_context(request: Request, session: SessionDep) -> PageContext:
    user = auth_service.session_user(session, request.session)
    if user is None:
        request.session.pop("user_id", None)
        raise Unauthorized("sign in first")
    memberships = auth_service.memberships_of(session, user.id)
    if not memberships:
        raise Forbidden("your account belongs to no workspace yet; ask an admin to add you")
    chosen = request.session.get("workspace_id")
    membership = next((m for m in memberships if str(m.workspace_id) == chosen), memberships[0])
    request.session["workspace_id"] = str(membership.workspace_id)
    workspaces = workspace_service.get_many(session, [m.workspace_id for m in memberships])
    return PageContext(
        principal=Principal(workspace_id=membership.workspace_id, role=membership.role, user_id=user.id),
        email=user.email,
        workspace=next(w for w in workspaces if w.id == membership.workspace_id),
        workspaces=workspaces,
    )


PageDep = Annotated[PageContext, Depends(page_context)]
ADMIN_ONLY = frozenset(
    p for p in Permission if not any(p in ROLE_PERMISSIONS[r] for r in Role if r != Role.ADMIN)
)


def page_permission(permission: Permission, refusal: str) -> Callable[..., Awaitable[PageContext]]:
    """A dependency: the signed-in member, who must hold `permission` (a 403 otherwise, saying they may not
    do `refusal`); on a POST the form's CSRF token is checked first. Pages use it through an `Annotated`
    alias, defined once per kind of page."""

    async def check(request: Request, page: PageDep) -> PageContext:
        if request.method == "POST":
            token = (await request.form()).get("csrf_token")
            check_csrf(request, token if isinstance(token, str) else None)
        require(page, permission, refusal)
        return page

    return check


def upload_permission(permission: Permission, refusal: str) -> Callable[..., PageContext]:
    """Like `page_permission`, for a form that uploads a file: the signed-in member must hold `permission`,
    checked without reading the body; the route then streams the form with `web.uploads.receive_upload`,
    which checks the CSRF token (the form's first field) before any of the file is kept."""

    def check(page: PageDep) -> PageContext:
        require(page, permission, refusal)
        return page

    return check


def require(page: PageContext, permission: Permission, refusal: str) -> None:
    """Refuse (403) a member whose role lacks `permission`, saying they may not do `refusal`. Pages call it
    only where one form does several things (anyone may dry-run a rule; saving it needs MANAGE_RULES)."""
    if page.can(permission):
        return
    role = page.principal.role
    if permission in ADMIN_ONLY:
        raise Forbidden(f"only admins may {refusal}; your role is {role}")
    raise Forbidden(f"your role ({role}) may not {refusal}")


Member = Annotated[PageContext, Depends(page_permission(Permission.READ, "open this page"))]
"""Any member of the workspace (the page's own rules decide the rest); a POST carries the CSRF token."""
AdminPage = Annotated[PageContext, Depends(page_permission(Permission.MANAGE_WORKSPACE, "open this page"))]


def problems_by_field(problems: Iterable[Problem]) -> dict[str, list[str]]:
    """Each field's reasons, for a form that shows them beside the field ("" for the form as a whole)."""
    found: dict[str, list[str]] = {}
    for problem in problems:
        found.setdefault(problem.field or "", []).append(problem.reason)
    return found


def render(
    request: Request,
    template: str,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        template,
        {"csrf_token": csrf_token(request), **context},
        status_code=status_code,
        headers=headers,
    )
