"""Reports: the PDF of the overview dashboard, and the weekly email's subscription and preview."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from voxpop.insight import service as insight
from voxpop.insight.filters import FiltersDep
from voxpop.kit import clock
from voxpop.kit.errors import Forbidden
from voxpop.kit.settings import get_settings
from voxpop.report import pdf, service, weekly
from voxpop.web.deps import SessionDep
from voxpop.web.pages import Member, PageContext, PageDep, render

router = APIRouter(include_in_schema=False)


def _user(page: PageContext) -> uuid.UUID:
    if page.principal.user_id is None:
        raise Forbidden("subscriptions belong to a signed-in user")
    return page.principal.user_id


@router.get("/reports/overview.pdf")
def overview_pdf(
    session: SessionDep, page: PageDep, chosen: FiltersDep, metric: str = "nps", by: str = "month"
) -> Response:
    """The overview with the page's filters, and the metric's trend per `by`, as a PDF."""
    workspace_id = page.principal.workspace_id
    overview = insight.overview(session, workspace_id, chosen.where, chosen.since, chosen.until)
    figures = insight.figures(session, workspace_id, chosen.query(metric, (by,)))
    conditions = [f"{k} = {v}" if v is not None else f"{k} has no value" for k, v in chosen.where]
    conditions += [f"from {chosen.since}"] if chosen.since else []
    conditions += [f"to {chosen.until}"] if chosen.until else []
    described = "Filters: " + (", ".join(conditions) or "none")
    title = f"{page.workspace.name}: overview, {clock.now():%Y-%m-%d %H:%M} UTC"
    trend = (f"{weekly.LABELS.get(metric, metric)} by {by}", by, figures)
    body = pdf.overview_pdf(title, described, overview, trend, get_settings().min_n)
    return Response(
        body, media_type="application/pdf", headers={"Content-Disposition": 'inline; filename="overview.pdf"'}
    )


@router.get("/reports")
def reports_page(request: Request, session: SessionDep, page: PageDep) -> Response:
    workspace_id = page.principal.workspace_id
    report = service.report_of(session, workspace_id, service.last_week(clock.now().date()))
    return render(
        request,
        "report/reports.html",
        page=page,
        report=report,
        subscribed=service.is_subscribed(session, workspace_id, _user(page)),
        send_hour=service.SEND_HOUR,
        min_n=get_settings().min_n,
        labels=weekly.LABELS,
        change_text=weekly.change_text,
        segment_text=weekly.segment_text,
    )


@router.post("/reports/subscription")
def change_subscription(
    session: SessionDep,
    page: Member,
    action: Annotated[Literal["subscribe", "unsubscribe"], Form()],
) -> Response:
    service.set_subscription(session, page.principal.workspace_id, _user(page), action == "subscribe")
    session.commit()
    return RedirectResponse("/reports", status_code=303)
