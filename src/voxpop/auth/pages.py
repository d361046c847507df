"""Sign in, sign out, switch workspace."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from voxpop.audit import service as audit
from voxpop.auth import service
from voxpop.auth.service import SignInThrottled
from voxpop.kit.errors import Unauthorized
from voxpop.web.deps import SessionDep
from voxpop.web.pages import PageDep, check_csrf, render

router = APIRouter(include_in_schema=False)
logger = logging.getLogger(__name__)


@router.get("/login")
def login_page(request: Request) -> HTMLResponse:
    return render(request, "auth/login.html", error=None, email="")


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf_token)
    address = request.client.host if request.client else "unknown"
    try:
        user = service.sign_in(session, email, password, address)
    except SignInThrottled as error:
        if error.failure is not None:
            _audit_throttling(session, email, address, error)
        session.commit()
        headers = {"Retry-After": str(error.retry_after)}
        return render(request, "auth/login.html", 429, headers, error=error.message, email=email)
    except Unauthorized as error:
        session.commit()  # the failure counts towards throttling
        return render(request, "auth/login.html", status_code=401, error=error.message, email=email)
    session.commit()
    request.session.clear()
    request.session.update(service.new_session(user))
    return RedirectResponse("/", status_code=303)


def _audit_throttling(session: Session, email: str, address: str, error: SignInThrottled) -> None:
    """Each wrong password that makes the next try wait goes to the audit log of the account's workspaces
    (when such an account exists) and to the server log."""
    assert error.failure is not None
    details = {
        "account_failures": error.failure.account_failures,
        "address_failures": error.failure.address_failures,
        "retry_after_seconds": error.retry_after,
    }
    logger.warning(
        "sign-in throttled for %s s after a wrong password from %s: %s", error.retry_after, address, details
    )
    user = service.find_user(session, email)
    if user is None:
        return
    actor = audit.Actor("address", address)
    for membership in service.memberships_of(session, user.id):
        audit.record(
            session, membership.workspace_id, actor, "user.sign_in_throttled", "user", user.id, details
        )


@router.post("/logout")
def logout(request: Request, session: SessionDep, csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf_token)
    if user_id := request.session.get("user_id"):
        service.end_sessions(session, uuid.UUID(user_id))
        session.commit()
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.post("/workspace")
def switch_workspace(
    request: Request,
    page: PageDep,
    workspace_id: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf_token)
    if any(str(w.id) == workspace_id for w in page.workspaces):
        request.session["workspace_id"] = workspace_id
    return RedirectResponse(request.headers.get("referer") or "/", status_code=303)
