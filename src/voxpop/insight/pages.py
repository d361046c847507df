"""The overview page: volumes and the headline scores, each with its n."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from voxpop.insight import service
from voxpop.kit.settings import get_settings
from voxpop.web.deps import SessionDep
from voxpop.web.pages import PageDep, render

router = APIRouter(include_in_schema=False)


@router.get("/")
def overview_page(request: Request, session: SessionDep, page: PageDep) -> HTMLResponse:
    overview = service.overview(session, page.principal.workspace_id)
    busiest = max((n for _, n in overview.by_month), default=0)
    return render(
        request,
        "insight/overview.html",
        page=page,
        overview=overview,
        busiest=busiest,
        min_n=get_settings().min_n,
    )
