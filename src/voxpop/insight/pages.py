"""Dashboards: overview, trends, what changed, journey — every figure with its n, every table exportable."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from voxpop.insight import changes, charts, journey, key_drivers, priority_chart, service
from voxpop.insight.routes import parse_where
from voxpop.insight.service import Figure, SliceQuery
from voxpop.kit.settings import get_settings
from voxpop.web.deps import SessionDep
from voxpop.web.pages import PageDep, render

router = APIRouter(include_in_schema=False)
SEGMENT_FIELDS = ("channel", "lifecycle_stage", "customer.region", "customer.plan", "customer.segment")
METRIC_LABELS = {"nps": "NPS", "csat": "CSAT %", "ces": "CES (mean)", "rating": "Star rating (mean)"}


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


@router.get("/trends")
def trends_page(
    request: Request,
    session: SessionDep,
    page: PageDep,
    metric: str = "nps",
    by: str = "month",
    where: Annotated[list[str], Query()] = [],  # noqa: B006
) -> HTMLResponse:
    query = SliceQuery(metric=metric, by=(by,), where=parse_where(where))
    figures = service.figures(session, page.principal.workspace_id, query)
    title = f"{METRIC_LABELS.get(metric, metric)} by {by}"
    chart = Markup(charts.trend(figures, by, title))
    return render(
        request,
        "insight/trends.html",
        page=page,
        figures=figures,
        metric=metric,
        by=by,
        where=where,
        chart=chart,
        title=title,
        labels=METRIC_LABELS,
        min_n=get_settings().min_n,
        export=_export_link(metric, (by,), where),
    )


@router.get("/changes")
def changes_page(
    request: Request, session: SessionDep, page: PageDep, metric: str = "nps", period: str = "month"
) -> HTMLResponse:
    workspace_id = page.principal.workspace_id
    current, previous, overall = changes.period_over_period(session, workspace_id, metric, period)
    _, _, moved = changes.movements(session, workspace_id, metric, list(SEGMENT_FIELDS), period)
    return render(
        request,
        "insight/changes.html",
        page=page,
        metric=metric,
        period=period,
        current=current,
        previous=previous,
        overall=overall,
        movements=moved,
        labels=METRIC_LABELS,
    )


@router.get("/journey")
def journey_page(request: Request, session: SessionDep, page: PageDep, metric: str = "nps") -> HTMLResponse:
    workspace_id = page.principal.workspace_id
    grid = journey.stage_by_channel(session, workspace_id, metric)
    stages = sorted({f.keys["lifecycle_stage"] or "–" for f in grid})
    channels = sorted({f.keys["channel"] or "–" for f in grid})
    cells = {(f.keys["lifecycle_stage"] or "–", f.keys["channel"] or "–"): f for f in grid}
    return render(
        request,
        "insight/journey.html",
        page=page,
        metric=metric,
        labels=METRIC_LABELS,
        stages=stages,
        channels=channels,
        cells=cells,
        whole=journey.whole_and_parts(session, workspace_id),
        precursors=journey.precursors(session, workspace_id),
        min_n=get_settings().min_n,
    )


def _export_link(metric: str, by: tuple[str, ...], where: list[str]) -> str:
    from urllib.parse import urlencode

    params = [("metric", metric), *[("by", b) for b in by], *[("where", w) for w in where]]
    return "/export/figures.csv?" + urlencode(params)


@router.get("/export/figures.csv")
def export_figures(
    session: SessionDep,
    page: PageDep,
    metric: str,
    by: Annotated[list[str], Query()] = [],  # noqa: B006
    where: Annotated[list[str], Query()] = [],  # noqa: B006
) -> Response:
    """The figures of any slice as CSV: keys, value, interval, n, and the reliability mark."""
    query = SliceQuery(metric=metric, by=tuple(by), where=parse_where(where))
    figures = service.figures(session, page.principal.workspace_id, query)
    name = "-".join([metric, *by]) or metric
    return Response(
        figures_csv(query.by, figures),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def figures_csv(by: tuple[str, ...], figures: list[Figure]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*by, "value", "ci_low", "ci_high", "n", "reliable"])
    for f in figures:
        e = f.estimate
        writer.writerow([*(f.keys[k] for k in by), e.value, e.low, e.high, e.n, e.reliable])
    return out.getvalue()


@router.get("/drivers")
def drivers_page(
    request: Request,
    session: SessionDep,
    page: PageDep,
    outcome: str = "nps",
    predictors: str = "",
    method: Literal["shapley", "relative_weights"] = "shapley",
) -> HTMLResponse:
    workspace_id = page.principal.workspace_id
    names = [p.strip() for p in predictors.split(",") if p.strip()] or key_drivers.rating_items(
        session, workspace_id
    )
    analysis = key_drivers.analyse(session, workspace_id, outcome, names, method) if names else None
    title = f"Key drivers of {key_drivers.OUTCOMES.get(outcome, outcome)}"
    chart = Markup(priority_chart.priority_matrix(analysis, title)) if analysis else ""
    return render(
        request,
        "insight/drivers.html",
        page=page,
        analysis=analysis,
        chart=chart,
        title=title,
        outcome=outcome,
        predictors=", ".join(names),
        method=method,
        outcomes=key_drivers.OUTCOMES,
    )
