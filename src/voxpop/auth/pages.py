"""Sign in, sign out, switch workspace."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from voxpop.auth import service
from voxpop.kit.errors import Unauthorized
from voxpop.web.deps import SessionDep
from voxpop.web.pages import PageDep, check_csrf, render

router = APIRouter(include_in_schema=False)


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
    try:
        user = service.authenticate(session, email, password)
    except Unauthorized as error:
        return render(request, "auth/login.html", status_code=401, error=error.message, email=email)
    request.session.clear()
    request.session.update(service.new_session(user))
    return RedirectResponse("/", status_code=303)


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
