"""Figures over the API: the overview, and any metric for any slice."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from voxpop.insight import service
from voxpop.insight.schemas import FigureOut
from voxpop.insight.service import SliceQuery
from voxpop.kit.errors import Invalid, Problem
from voxpop.web.deps import Reader, SessionDep

router = APIRouter(prefix="/api/v1", tags=["insight"])


@router.get("/overview")
def get_overview(session: SessionDep, caller: Reader) -> dict[str, Any]:
    """Volumes by channel and month; NPS, CSAT %, CES and star rating, each with n, interval and reliability."""
    overview = service.overview(session, caller.workspace_id)
    return {
        "total": overview.total,
        "scores": {metric: FigureOut.of(figure).model_dump() for metric, figure in overview.scores.items()},
        "by_channel": overview.by_channel,
        "by_month": overview.by_month,
    }


def parse_where(conditions: list[str]) -> tuple[tuple[str, str], ...]:
    pairs = []
    for condition in conditions:
        name, sign, value = condition.partition("=")
        if not sign or not name.strip():
            raise Invalid("malformed filter", [Problem(f"{condition!r} is not FIELD=VALUE", field="where")])
        pairs.append((name.strip(), value))
    return tuple(pairs)


@router.get("/metrics")
def get_metrics(
    session: SessionDep,
    caller: Reader,
    metric: str,
    by: Annotated[
        list[str], Query(description="Fields to group by: month, channel, customer.region, …")
    ] = [],  # noqa: B006
    where: Annotated[list[str], Query(description="Filters FIELD=VALUE")] = [],  # noqa: B006
    since: date | None = None,
    until: date | None = None,
    text: str | None = None,
) -> list[FigureOut]:
    """A metric (nps, csat, ces, rating) for every group of a slice, each with n, 95 % interval and reliability."""
    query = SliceQuery(
        metric=metric, by=tuple(by), where=parse_where(where), since=since, until=until, text=text
    )
    return [FigureOut.of(figure) for figure in service.figures(session, caller.workspace_id, query)]
