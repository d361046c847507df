"""Dashboards: overview, trends, what changed, journey, drivers, and the records behind every number.

Every figure links to the records page with its own filters (`records.records_link`); every table downloads
as CSV or XLSX from the page that shows it (`?download=TABLE&format=csv|xlsx`, through `export.download`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from voxpop.auth.roles import Permission
from voxpop.customer.pages import names_for
from voxpop.insight import (
    causes,
    changes,
    charts,
    export,
    journey,
    key_drivers,
    priority_chart,
    records,
    service,
)
from voxpop.insight.export import Table
from voxpop.insight.filters import Filters, FiltersDep
from voxpop.insight.records import records_link
from voxpop.kit.pagination import PageNumber
from voxpop.kit.settings import get_settings
from voxpop.text import explore as text_explore
from voxpop.web.deps import SessionDep
from voxpop.web.pages import PageDep, render

router = APIRouter(include_in_schema=False)
METRIC_LABELS = {"nps": "NPS", "csat": "CSAT %", "ces": "CES (mean)", "rating": "Star rating (mean)"}
DownloadParam = Annotated[str | None, Query(description="the name of a table on the page, to download")]
FormatParam = Annotated[str, Query(alias="format")]


def _page(
    request: Request,
    template: str,
    tables: list[Table],
    download: str | None,
    file_format: str,
    **context: Any,
) -> Response:
    """The page, or one of its tables as a file when `download` names it."""
    if download is not None:
        return export.download(tables, download, file_format)
    return render(
        request,
        template,
        tables={t.name: t for t in tables},
        records_link=records_link,
        labels=METRIC_LABELS,
        min_n=get_settings().min_n,
        **context,
    )


@router.get("/overview")
def overview_page(
    request: Request,
    session: SessionDep,
    page: PageDep,
    chosen: FiltersDep,
    download: DownloadParam = None,
    file_format: FormatParam = "csv",
) -> Response:
    overview = service.overview(
        session, page.principal.workspace_id, chosen.where, chosen.since, chosen.until
    )
    tables = [
        export.figures_table(
            "scores", ["metric"], [_as_keyed("metric", m, f) for m, f in overview.scores.items()]
        ),
        export.counts_table("channels", "channel", overview.by_channel),
        export.counts_table("months", "month", overview.by_month),
    ]
    return _page(
        request,
        "insight/overview.html",
        tables,
        download,
        file_format,
        page=page,
        overview=overview,
        busiest=max((n for _, n in overview.by_month), default=0),
        filters=chosen,
    )


def _as_keyed(key: str, value: str, figure: service.Figure) -> service.Figure:
    return service.Figure({key: value}, figure.estimate, figure.details)


@router.get("/trends")
def trends_page(
    request: Request,
    session: SessionDep,
    page: PageDep,
    chosen: FiltersDep,
    metric: str = "nps",
    by: str = "month",
    download: DownloadParam = None,
    file_format: FormatParam = "csv",
) -> Response:
    figures = service.figures(session, page.principal.workspace_id, chosen.query(metric, (by,)))
    title = f"{METRIC_LABELS.get(metric, metric)} by {by}"
    return _page(
        request,
        "insight/trends.html",
        [export.figures_table(f"{metric}-{by}", [by], figures)],
        download,
        file_format,
        page=page,
        figures=figures,
        metric=metric,
        by=by,
        filters=chosen,
        chart=Markup(charts.trend(figures, by, title)),
        title=title,
    )


@router.get("/changes")
def changes_page(
    request: Request,
    session: SessionDep,
    page: PageDep,
    metric: str = "nps",
    period: str = "month",
    download: DownloadParam = None,
    file_format: FormatParam = "csv",
) -> Response:
    workspace_id = page.principal.workspace_id
    current, previous, overall = changes.period_over_period(session, workspace_id, metric, period)
    _, _, moved = changes.movements(session, workspace_id, metric, list(changes.SEGMENT_FIELDS), period)
    tables = [export.changes_table("overall", [overall]), export.changes_table("movements", moved)]
    return _page(
        request,
        "insight/changes.html",
        tables,
        download,
        file_format,
        page=page,
        metric=metric,
        period=period,
        current=current,
        previous=previous,
        overall=overall,
        movements=moved,
        causes={
            row: causes.likely_causes(session, workspace_id, m, current, previous)
            for row, m in enumerate(moved)
            if m.significant
        },
        theme_names={view.id: view.name for view in text_explore.theme_tree(session, workspace_id)},
    )


@router.get("/journey")
def journey_page(
    request: Request,
    session: SessionDep,
    page: PageDep,
    metric: str = "nps",
    download: DownloadParam = None,
    file_format: FormatParam = "csv",
) -> Response:
    workspace_id = page.principal.workspace_id
    grid = journey.stage_by_channel(session, workspace_id, metric)
    whole = journey.whole_and_parts(session, workspace_id)
    precursors = journey.precursors(session, workspace_id)
    tables = [
        export.figures_table("stage-by-channel", ["lifecycle_stage", "channel"], grid),
        export.figures_table("touchpoints", ["touchpoint"], whole.touchpoints),
        export.precursors_table("precursors", precursors),
    ]
    relationship = [
        ("touchpoint", None),
        *(("touchpoint", t) for t in get_settings().relationship_touchpoints),
    ]
    return _page(
        request,
        "insight/journey.html",
        tables,
        download,
        file_format,
        page=page,
        metric=metric,
        stages=sorted({f.keys["lifecycle_stage"] or "–" for f in grid}),
        channels=sorted({f.keys["channel"] or "–" for f in grid}),
        cells={(f.keys["lifecycle_stage"] or "–", f.keys["channel"] or "–"): f for f in grid},
        whole=whole,
        relationship_where=relationship,
        filters=Filters(),
        precursors=precursors,
    )


@router.get("/export/figures.{file_format}")
def export_figures(
    session: SessionDep,
    page: PageDep,
    file_format: str,
    chosen: FiltersDep,
    metric: str,
    by: Annotated[list[str], Query()] = [],  # noqa: B006
) -> Response:
    """The figures of any slice as CSV or XLSX: keys, value, interval, n, and the reliability mark."""
    figures = service.figures(session, page.principal.workspace_id, chosen.query(metric, tuple(by)))
    name = "-".join([metric, *by])
    return export.download([export.figures_table(name, by, figures)], name, file_format)


@router.get("/records")
def records_page(
    request: Request,
    session: SessionDep,
    page: PageDep,
    chosen: FiltersDep,
    metric: str = "",
    number: PageNumber = 1,
) -> Response:
    """The records behind a figure, 50 a page, newest first."""
    per_page = 50
    names = page.can(Permission.SEE_PERSONAL_DATA)
    found = records.records(
        session, page.principal.workspace_id, chosen.query(metric), per_page, (number - 1) * per_page, names
    )
    return _page(
        request,
        "insight/records.html",
        [],
        None,
        "csv",
        page=page,
        found=found,
        customers=names_for(session, page, [r.customer_id for r in found.items]),
        metric=metric,
        filters=chosen,
        number=number,
        last=max(1, -(-found.total // per_page)),
    )


@router.get("/drivers")
def drivers_page(
    request: Request,
    session: SessionDep,
    page: PageDep,
    outcome: str = "nps",
    predictors: str = "",
    themes: bool = False,
    method: Literal["shapley", "relative_weights"] = "shapley",
    download: DownloadParam = None,
    file_format: FormatParam = "csv",
) -> Response:
    workspace_id = page.principal.workspace_id
    named = [p.strip() for p in predictors.split(",") if p.strip()]
    names = key_drivers.predictors_of(session, workspace_id, named, themes)
    analysis = key_drivers.analyse(session, workspace_id, outcome, names, method) if names else None
    if analysis:
        analysis = key_drivers.labelled(analysis, key_drivers.labels(session, workspace_id, names))
    title = f"Key drivers of {key_drivers.OUTCOMES.get(outcome, outcome)}"
    return _page(
        request,
        "insight/drivers.html",
        [export.drivers_table("drivers", analysis)] if analysis else [],
        download,
        file_format,
        page=page,
        analysis=analysis,
        chart=Markup(priority_chart.priority_matrix(analysis, title)) if analysis else "",
        title=title,
        outcome=outcome,
        predictors=", ".join(named) if themes else ", ".join(names),
        themes=themes,
        method=method,
        outcomes=key_drivers.OUTCOMES,
    )
