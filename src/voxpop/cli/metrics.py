"""`voxpop metrics`: any metric for any slice, for scripts (--json) and people (a table)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from voxpop.cli.output import console, emit_json, reports_errors
from voxpop.insight import service
from voxpop.insight.filters import parse_where
from voxpop.insight.schemas import FigureOut
from voxpop.insight.service import SliceQuery
from voxpop.kit.db import new_session
from voxpop.kit.settings import get_settings
from voxpop.workspace import service as workspace_service

DateOpt = Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"], help="YYYY-MM-DD (inclusive).")]


@reports_errors
def metrics(
    workspace: Annotated[str, typer.Option("--workspace", "-w", help="Workspace name.")],
    metric: Annotated[str, typer.Option(help="nps, csat, ces or rating")],
    by: Annotated[
        list[str] | None, typer.Option(help="Group by: day, week, month, quarter, channel, …")
    ] = None,
    where: Annotated[list[str] | None, typer.Option(help="Filter FIELD=VALUE (repeatable).")] = None,
    since: DateOpt = None,
    until: DateOpt = None,
    text: Annotated[str | None, typer.Option(help="Only records whose text contains this.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object to stdout.")] = False,
) -> None:
    """A metric with n, 95 % interval and an unreliable mark below the minimum n, for every group."""
    query = SliceQuery(
        metric=metric,
        by=tuple(by or ()),
        where=parse_where(where or []),
        since=since.date() if since else None,
        until=until.date() if until else None,
        text=text,
    )
    with new_session(write=False) as session:
        ws = workspace_service.get_by_name(session, workspace)
        groups = [FigureOut.of(f) for f in service.figures(session, ws.id, query)]
    if as_json:
        emit_json(
            {
                "metric": metric,
                "by": list(query.by),
                "where": dict(query.where),
                "min_n": get_settings().min_n,
                "groups": [g.model_dump() for g in groups],
            }
        )
        return
    _print_table(metric, query, groups)


def _print_table(metric: str, query: SliceQuery, groups: list[FigureOut]) -> None:
    table = Table(
        *query.by,
        metric.upper(),
        "95 % interval",
        "n",
        "",
        title=f"{metric.upper()} by {', '.join(query.by) or 'all'}",
    )
    for group in groups:
        keys = [group.keys[name] or "–" for name in query.by]
        interval = (
            f"{group.low:.1f} to {group.high:.1f}"
            if group.low is not None and group.high is not None
            else "–"
        )
        value = "–" if group.value is None else f"{group.value:.1f}"
        table.add_row(*keys, value, interval, f"{group.n:,}", "" if group.reliable else "unreliable")
    console.print(table)
