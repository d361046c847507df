"""Delivery of webhooks and email: server-rendered pages (admins only): endpoints and their delivery logs."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from voxpop.delivery import service
from voxpop.web.deps import SessionDep
from voxpop.web.pages import AdminPage, render

router = APIRouter(include_in_schema=False)
LOG_SIZE = 100


@router.get("/webhooks")
def endpoints_page(request: Request, session: SessionDep, page: AdminPage) -> HTMLResponse:
    workspace_id = page.principal.workspace_id
    dead = service.deliveries(session, workspace_id, status="failed", limit=LOG_SIZE)
    return render(
        request,
        "delivery/endpoints.html",
        page=page,
        endpoints=service.endpoints(session, workspace_id),
        dead=dead,
    )


@router.get("/webhooks/{endpoint_id}")
def endpoint_page(
    endpoint_id: uuid.UUID, request: Request, session: SessionDep, page: AdminPage
) -> HTMLResponse:
    workspace_id = page.principal.workspace_id
    endpoint = service.get_endpoint(session, workspace_id, endpoint_id)
    deliveries = service.deliveries(session, workspace_id, endpoint_id=endpoint.id, limit=LOG_SIZE)
    return render(
        request,
        "delivery/endpoint.html",
        page=page,
        endpoint=endpoint,
        deliveries=deliveries,
        attempts=service.attempts_by_delivery(session, deliveries),
    )
