"""Figures for any slice of the feedback: one implementation of each metric, used by the API, the pages and
the command line alike. Each figure carries its n, a 95 % interval and whether n reaches the minimum."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from voxpop.insight import metrics, repository
from voxpop.insight.fields import Field
from voxpop.insight.fields import field as field_named
from voxpop.insight.metrics import Estimate
from voxpop.insight.models import Insight
from voxpop.insight.repository import Precedent, Scope
from voxpop.kit.errors import Invalid, Problem
from voxpop.kit.hooks import Hook
from voxpop.kit.settings import get_settings
from voxpop.kit.validation import control_character

METRICS = ("nps", "csat", "ces", "rating")
EARLIEST, LATEST = date(1970, 1, 1), date(2999, 12, 31)
DETECTED: Hook[[Session, Insight]] = Hook("insight.detected")
"""An insight was detected (or detected again) in the caller's transaction: (session, the insight)."""


@dataclass(frozen=True)
class Figure:
    """One group's figure: its keys (field → value), the estimate, and what else the definition reports."""

    keys: dict[str, str | None]
    estimate: Estimate
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SliceQuery:
    """A metric for each group of `by`, over the records matching `where` (FIELD, VALUE) pairs — None for
    records without a value; several values of one field match any — the dates (inclusive) and the text."""

    metric: str
    by: tuple[str, ...] = ()
    where: tuple[tuple[str, str | None], ...] = ()
    since: date | None = None
    until: date | None = None
    text: str | None = None
    preceded_by: Precedent | None = None

    def __post_init__(self) -> None:
        problems = [
            *(_name_problem(name, "by") for name in self.by),
            *(_name_problem(name, "where" if value is not None else "missing") for name, value in self.where),
            *(_value_problem(value, "where") for _, value in self.where if value is not None),
            *([_value_problem(self.text, "text")] if self.text else []),
        ]
        found = [problem for problem in problems if problem is not None]
        if found:
            raise Invalid("a filter or grouping holds a control character", found)


def _name_problem(name: str, parameter: str) -> Problem | None:
    """A field name holds no control character (NUL, tab, a line break): the stores cannot take some, and a
    name goes into file names and headers."""
    char = control_character(name, breaks_too=True)
    if char is None:
        return None
    return Problem(f"{name!r} holds the control character {char!r}; a field name cannot", field=parameter)


def _value_problem(value: str, parameter: str) -> Problem | None:
    char = control_character(value)
    if char is None:
        return None
    return Problem(
        f"{value!r} holds the control character {char!r}; a value to match cannot", field=parameter
    )


def _estimate(metric: str, sums: dict[str, Any], min_n: int) -> tuple[Estimate, dict[str, Any]]:
    n = int(sums["n"])
    if metric == "nps":
        return metrics.nps(int(sums["promoters"]), int(sums["detractors"]), n, min_n), {}
    if metric == "csat":
        return metrics.csat(int(sums["satisfied"]), n, min_n), {}
    mean = metrics.mean_t(float(sums["total"]), float(sums["squares"]), n, min_n)
    if metric == "ces":
        return mean, {"agreeing": metrics.wilson_share(int(sums["agree"]), n, min_n)}
    return mean, {"distribution": {star: int(sums[f"stars_{star}"]) for star in range(1, 6)}}


def check_metric(metric: str) -> None:
    if metric not in METRICS:
        raise Invalid(
            f"unknown metric {metric!r}", [Problem(f"use one of: {', '.join(METRICS)}", field="metric")]
        )


def _scope(session: Session, workspace_id: uuid.UUID, query: SliceQuery) -> tuple[Scope, list[Field]]:
    check_metric(query.metric)
    dialect = session.get_bind().dialect.name
    return scope_of(session, workspace_id, query), [field_named(name, dialect) for name in query.by]


def scope_of(session: Session, workspace_id: uuid.UUID, query: SliceQuery) -> Scope:
    """The records a query covers (its `where`, dates and text), whatever its metric and groups."""
    for name, day in (("since", query.since), ("until", query.until)):
        if day is not None and not EARLIEST <= day <= LATEST:
            raise Invalid(
                f"{name} is out of range", [Problem(f"use a date from {EARLIEST} to {LATEST}", field=name)]
            )
    if query.since and query.until and query.since > query.until:
        raise Invalid("the period is empty", [Problem("--since must not be after --until", field="since")])
    dialect = session.get_bind().dialect.name
    return Scope(
        workspace_id=workspace_id,
        filters=tuple((field_named(name, dialect), value) for name, value in query.where),
        since=_start_of(query.since),
        until=_start_of(query.until + timedelta(days=1)) if query.until else None,
        text=query.text,
        preceded_by=_checked(query.preceded_by),
    )


def matching_ids(session: Session, workspace_id: uuid.UUID, query: SliceQuery) -> Select[tuple[uuid.UUID]]:
    """The ids of the records a query covers, checked like any figure's filters, for another domain's query."""
    return repository.scoped_ids(scope_of(session, workspace_id, query))


PRECEDENT_FIELDS = ("type", "touchpoint")
MAX_PRECEDENT_DAYS = 365


def _checked(precedent: Precedent | None) -> Precedent | None:
    if precedent is None:
        return None
    if precedent.field not in PRECEDENT_FIELDS or not precedent.value:
        reason = f"use {' or '.join(f + ':VALUE' for f in PRECEDENT_FIELDS)}, e.g. type:ticket_closed"
        raise Invalid("unknown preceding event", [Problem(reason, field="preceded_by")])
    if not 1 <= precedent.days <= MAX_PRECEDENT_DAYS:
        reason = f"use 1 to {MAX_PRECEDENT_DAYS} days"
        raise Invalid("within_days out of range", [Problem(reason, field="within_days")])
    return precedent


def _start_of(day: date | None) -> datetime | None:
    return datetime.combine(day, time(), UTC) if day else None


def sums(
    session: Session, workspace_id: uuid.UUID, query: SliceQuery
) -> list[tuple[dict[str, str | None], dict[str, Any]]]:
    """Each group's keys and the sums its metric's definition needs (sums of groups add up)."""
    scope, group_by = _scope(session, workspace_id, query)
    rows = repository.metric_sums(session, query.metric, scope, group_by)
    return [({name: _key(row[f"g{i}"]) for i, name in enumerate(query.by)}, row) for row in rows]


def figure(metric: str, keys: dict[str, str | None], group_sums: dict[str, Any]) -> Figure:
    estimate, details = _estimate(metric, group_sums, get_settings().min_n)
    return Figure(keys, estimate, details)


def figures(session: Session, workspace_id: uuid.UUID, query: SliceQuery) -> list[Figure]:
    """The metric for every group of the slice (one figure overall when `by` is empty)."""
    return [figure(query.metric, keys, group_sums) for keys, group_sums in sums(session, workspace_id, query)]


def _key(value: Any) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class Overview:
    total: int
    scores: dict[str, Figure]
    by_channel: list[tuple[str, int]]
    by_month: list[tuple[str, int]]


def overview(
    session: Session,
    workspace_id: uuid.UUID,
    where: tuple[tuple[str, str | None], ...] = (),
    since: date | None = None,
    until: date | None = None,
) -> Overview:
    """Volumes by channel and month, and the headline NPS, CSAT %, CES and star rating, of the records
    matching the filters (all records by default)."""
    dialect = session.get_bind().dialect.name
    scope = scope_of(session, workspace_id, SliceQuery(metric="", where=where, since=since, until=until))
    cells = repository.overview_cells(
        session, scope, field_named("channel", dialect), field_named("month", dialect)
    )
    by_channel: Counter[str] = Counter()
    by_month: Counter[str] = Counter()
    for channel, month, n, _ in cells:
        by_channel[str(channel)] += n
        by_month[str(month)] += n
    scores = {
        metric: figure(metric, {}, _added(metric, [sums[metric] for *_, sums in cells])) for metric in METRICS
    }
    return Overview(
        total=sum(by_channel.values()),
        scores=scores,
        by_channel=sorted(by_channel.items(), key=lambda pair: (-pair[1], pair[0])),
        by_month=sorted(by_month.items()),
    )


def _added(metric: str, parts: list[dict[str, Any]]) -> dict[str, Any]:
    """A metric's sums over several groups: every one is a count or a sum, so they add up."""
    return {name: sum(part[name] for part in parts) for name in repository.METRIC_SUMS[metric]}
