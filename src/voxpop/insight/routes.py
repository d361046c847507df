"""Figures over the API: the overview, and any metric for any slice."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from voxpop.auth.roles import Permission, allows
from voxpop.insight import causes, changes, emerging, journey, key_drivers, records, service, theme_emerging
from voxpop.insight.filters import FiltersDep
from voxpop.insight.models import Insight
from voxpop.insight.schemas import ChangeOut, FigureOut, RecordPageOut, WindowOut
from voxpop.kit.pagination import Offset
from voxpop.text import explore as text_explore
from voxpop.web.deps import Reader, SessionDep, Writer

router = APIRouter(prefix="/api/v1", tags=["insight"])


@router.get("/records")
def get_records(
    session: SessionDep,
    caller: Reader,
    chosen: FiltersDep,
    metric: str = "",
    limit: Annotated[int, Query(ge=1, le=records.MAX_LIMIT)] = 50,
    offset: Offset = 0,
) -> RecordPageOut:
    """The feedback records behind a figure, newest first: the same filters as /metrics, a group's keys as
    `where` (or `missing`), and with `metric` only records carrying that score, so `total` is the figure's n."""
    names = allows(caller.role, Permission.SEE_PERSONAL_DATA)
    page = records.records(session, caller.workspace_id, chosen.query(metric), limit, offset, names)
    return RecordPageOut.of(page)


@router.get("/metrics")
def get_metrics(
    session: SessionDep,
    caller: Reader,
    chosen: FiltersDep,
    metric: str,
    by: Annotated[
        list[str], Query(description="Fields to group by: month, channel, customer.region, …")
    ] = [],  # noqa: B006
) -> list[FigureOut]:
    """A metric (nps, csat, ces, rating) for every group of a slice, each with n, 95 % interval and reliability."""
    query = chosen.query(metric, tuple(by))
    return [FigureOut.of(figure) for figure in service.figures(session, caller.workspace_id, query)]


@router.get("/changes/period")
def get_period_change(
    session: SessionDep, caller: Reader, metric: str, period: str = "month", as_of: date | None = None
) -> dict[str, Any]:
    """The last complete period (week, month, quarter) against the one before: the test, its p-value, at 5 %."""
    current, previous, change = changes.period_over_period(
        session, caller.workspace_id, metric, period, as_of
    )
    return {
        "current": WindowOut.of(current),
        "previous": WindowOut.of(previous),
        "change": ChangeOut.of(change),
    }


@router.get("/changes/segments")
def get_segment_changes(
    session: SessionDep,
    caller: Reader,
    metric: str,
    field: str,
    since: date,
    until: date,
    alpha: float = 0.05,
) -> list[ChangeOut]:
    """Each value of a field against the rest in a period; Benjamini–Hochberg across the values."""
    window = changes.Window(since, until + timedelta(days=1))
    return [
        ChangeOut.of(c)
        for c in changes.segments_against_rest(session, caller.workspace_id, metric, field, window, alpha)
    ]


@router.get("/changes/movements")
def get_movements(
    session: SessionDep,
    caller: Reader,
    metric: str,
    fields: Annotated[list[str], Query(description="Fields whose segments to scan")] = ["channel"],  # noqa: B006
    period: str = "month",
    as_of: date | None = None,
    alpha: float = 0.05,
) -> dict[str, Any]:
    """Every segment's last complete period against the one before, significant movements first (BH at `alpha`)."""
    current, previous, found = changes.movements(
        session, caller.workspace_id, metric, fields, period, as_of, alpha
    )
    names = {view.id: view.name for view in text_explore.theme_tree(session, caller.workspace_id)}
    return {
        "current": WindowOut.of(current),
        "previous": WindowOut.of(previous),
        "movements": [
            {
                **ChangeOut.of(c).model_dump(),
                "likely_causes": [
                    {
                        "theme": names.get(cause.theme_id, "?"),
                        "theme_id": cause.theme_id,
                        "measure": cause.measure,
                        "difference": cause.comparison.difference,
                        "p_value": cause.comparison.p_value,
                    }
                    for cause in (
                        causes.likely_causes(session, caller.workspace_id, c, current, previous)
                        if c.significant
                        else []
                    )
                ],
            }
            for c in found
        ],
    }


@router.get("/journey/grid")
def get_journey_grid(session: SessionDep, caller: Reader, metric: str = "nps") -> list[FigureOut]:
    """The metric at every lifecycle stage × channel."""
    return [FigureOut.of(f) for f in journey.stage_by_channel(session, caller.workspace_id, metric)]


@router.get("/journey/whole")
def get_whole_and_parts(session: SessionDep, caller: Reader) -> dict[str, Any]:
    """Relationship NPS (answers with no touchpoint) beside the mean NPS of the touchpoints."""
    found = journey.whole_and_parts(session, caller.workspace_id)
    return {
        "relationship": FigureOut.of(found.relationship) if found.relationship else None,
        "touchpoints": [FigureOut.of(f) for f in found.touchpoints],
        "touchpoint_mean": found.touchpoint_mean,
        "difference": found.difference,
    }


@router.get("/journey/precursors")
def get_precursors(
    session: SessionDep, caller: Reader, by: str = "type", days: int = 30, alpha: float = 0.05
) -> list[dict[str, Any]]:
    """Events (or touchpoints) seen within `days` before detractor answers more often than before promoters'."""
    return [
        {
            "key": p.key,
            "detractors_share": p.comparison.a.value,
            "promoters_share": p.comparison.b.value,
            "difference": p.comparison.difference,
            "low": p.comparison.low,
            "high": p.comparison.high,
            "test": p.comparison.test,
            "p_value": p.comparison.p_value,
            "q_value": p.q_value,
            "significant": p.significant,
            "detractors": p.detractors,
            "promoters": p.promoters,
            "detractor_records": "/api/v1" + p.records_link("detractor"),
            "promoter_records": "/api/v1" + p.records_link("promoter"),
        }
        for p in journey.precursors(session, caller.workspace_id, by, days, alpha)
    ]


def _insight_out(insight: Insight) -> dict[str, Any]:
    return {
        "id": str(insight.id),
        "kind": insight.kind,
        "title": insight.title,
        "metric": insight.metric,
        "segment": insight.segment,
        "since": insight.since.isoformat(),
        "evidence": insight.evidence,
        "detected_at": insight.detected_at.isoformat(),
    }


@router.get("/insights")
def list_insights(session: SessionDep, caller: Reader) -> list[dict[str, Any]]:
    """Emerging issues found so far: what, where, since when, and the evidence."""
    return [_insight_out(i) for i in emerging.recent(session, caller.workspace_id)]


@router.post("/insights/detect")
def detect_insights(
    session: SessionDep,
    caller: Writer,
    metric: str = "nps",
    period: str = "week",
    fields: Annotated[list[str], Query(description="Segments to judge besides all feedback")] = ["channel"],  # noqa: B006
    baseline_periods: Annotated[int, Query(ge=2, le=52)] = 8,
    sigma: Annotated[float, Query(gt=0, le=6)] = 3.0,
    as_of: date | None = None,
) -> list[dict[str, Any]]:
    """Judge the last complete period against control limits from the periods before; store what is out:
    the metric overall and per segment, and every theme's volume and negative share (and new themes)."""
    found = emerging.detect_metric_shifts(
        session, caller.workspace_id, metric, tuple(fields), period, baseline_periods, sigma, as_of
    )
    names = {view.id: view.name for view in text_explore.theme_tree(session, caller.workspace_id)}
    found += theme_emerging.detect_theme_shifts(
        session, caller.workspace_id, names, period, baseline_periods, sigma, as_of
    )
    session.commit()
    return [_insight_out(i) for i in found]


@router.get("/drivers")
def get_drivers(
    session: SessionDep,
    caller: Reader,
    outcome: str = "nps",
    predictors: Annotated[
        list[str],
        Query(max_length=30, description="attributes.X, customer.X or theme.<id>; rating items if none"),
    ] = [],  # noqa: B006
    themes: Annotated[bool, Query(description="add every active top-level theme (mentioned: 0/1)")] = False,
    method: Literal["shapley", "relative_weights"] = "shapley",
    resamples: Annotated[int, Query(ge=1, le=500)] = 200,
) -> dict[str, Any]:
    """Each predictor's share of the outcome's explained variance (Shapley value regression or Johnson's
    relative weights), with bootstrap intervals, rank and current performance (for a theme: the share of
    its sentences that are positive). Each driver has a readable `label` (`theme: <name>` for a theme)."""
    names = key_drivers.predictors_of(session, caller.workspace_id, predictors, themes)
    analysis = key_drivers.analyse(session, caller.workspace_id, outcome, names, method, resamples)
    labels = key_drivers.labels(session, caller.workspace_id, names)
    found = asdict(analysis)
    for driver in found["drivers"]:
        driver["label"] = labels[driver["name"]]
    return found


@router.get("/overview")
def get_overview(session: SessionDep, caller: Reader, chosen: FiltersDep) -> dict[str, Any]:
    """Volumes by channel and month; NPS, CSAT %, CES and star rating, each with n, interval and reliability;
    over the records matching the filters (all by default)."""
    overview = service.overview(session, caller.workspace_id, chosen.where, chosen.since, chosen.until)
    return {
        "total": overview.total,
        "scores": {metric: FigureOut.of(figure).model_dump() for metric, figure in overview.scores.items()},
        "by_channel": overview.by_channel,
        "by_month": overview.by_month,
    }
