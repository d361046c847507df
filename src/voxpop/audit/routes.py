"""The audit log: the API (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from voxpop.audit import service
from voxpop.audit.schemas import AuditEventOut, AuditPage
from voxpop.kit.pagination import Offset
from voxpop.web.deps import Admin, SessionDep

router = APIRouter(prefix="/api/v1", tags=["audit"])


@router.get("/audit")
def audit_log(
    session: SessionDep,
    caller: Admin,
    action: Annotated[str | None, Query(max_length=100, description="e.g. customer.erase")] = None,
    actor: Annotated[
        str | None, Query(max_length=320, description="an email, 'API key vpk_…' or 'cli:<user>'")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> AuditPage:
    """Who did what and when, newest first."""
    events, total = service.page(
        session, caller.workspace_id, action=action, actor=actor, limit=limit, offset=offset
    )
    return AuditPage(
        items=[AuditEventOut.model_validate(e) for e in events], total=total, limit=limit, offset=offset
    )
