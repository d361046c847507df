"""Overview figures over the API."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter

from voxpop.insight import service
from voxpop.web.deps import Reader, SessionDep

router = APIRouter(prefix="/api/v1/overview", tags=["insight"])


@router.get("")
def get_overview(session: SessionDep, caller: Reader) -> dict[str, Any]:
    """Volumes by channel and month; NPS, CSAT %, CES and star rating, each with n, interval and reliability."""
    return asdict(service.overview(session, caller.workspace_id))
