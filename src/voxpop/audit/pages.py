"""The audit log: server-rendered pages (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from voxpop.audit import service
from voxpop.kit.pagination import PageNumber
from voxpop.web.deps import SessionDep
from voxpop.web.pages import AdminPage, render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


@router.get("/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    page: AdminPage,
    action: Annotated[str, Query(max_length=100)] = "",
    actor: Annotated[str, Query(max_length=320)] = "",
    number: PageNumber = 1,
) -> HTMLResponse:
    workspace_id = page.principal.workspace_id
    events, total = service.page(
        session,
        workspace_id,
        action=action or None,
        actor=actor.strip() or None,
        limit=PAGE_SIZE,
        offset=(number - 1) * PAGE_SIZE,
    )
    return render(
        request,
        "audit/log.html",
        page=page,
        events=events,
        total=total,
        number=number,
        pages=max(1, -(-total // PAGE_SIZE)),
        action=action,
        actor=actor,
        actions=service.actions(session, workspace_id),
    )
