"""What changed: a period against the one before, a segment against the rest, and the significant
movements of the last period across many segments (false discoveries controlled by Benjamini–Hochberg)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from voxpop.insight import repository
from voxpop.insight.compare import Comparison, benjamini_hochberg, compare, minus
from voxpop.insight.fields import field as field_named
from voxpop.insight.repository import Scope
from voxpop.insight.service import check_metric
from voxpop.kit import clock
from voxpop.kit.errors import Invalid, Problem
from voxpop.kit.settings import get_settings

PERIODS = ("week", "month", "quarter")
SEGMENT_FIELDS = ("channel", "lifecycle_stage", "customer.region", "customer.plan", "customer.segment")


@dataclass(frozen=True)
class Window:
    start: date
    end: date  # exclusive

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def scope(self, workspace_id: uuid.UUID, filters: Any = ()) -> Scope:
        return Scope(workspace_id, filters, _midnight(self.start), _midnight(self.end))


@dataclass(frozen=True)
class Change:
    """A comparison for one segment (keys), with its Benjamini–Hochberg q when many were tested at once."""

    keys: dict[str, str | None]
    comparison: Comparison
    q_value: float | None
    significant: bool


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _period_start(day: date, period: str) -> date:
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)


def periods_before(start: date, period: str, count: int) -> Window:
    """The `count` whole periods that end where `start` begins."""
    first = start
    for _ in range(count):
        first = _period_start(first - timedelta(days=1), period)
    return Window(first, start)


def last_complete_periods(period: str, as_of: date | None = None) -> tuple[Window, Window]:
    """The last complete period before `as_of` (today by default), and the one before it."""
    if period not in PERIODS:
        raise Invalid(
            f"unknown period {period!r}", [Problem(f"use one of: {', '.join(PERIODS)}", field="period")]
        )
    end = _period_start(as_of or clock.now().date(), period)
    start = _period_start(end - timedelta(days=1), period)
    previous_start = _period_start(start - timedelta(days=1), period)
    return Window(start, end), Window(previous_start, start)


def _sums(session: Session, metric: str, scope: Scope, by: list[str]) -> list[dict[str, Any]]:
    dialect = session.get_bind().dialect.name
    return repository.metric_sums(session, metric, scope, [field_named(name, dialect) for name in by])


def compare_windows(
    session: Session,
    workspace_id: uuid.UUID,
    metric: str,
    current: Window,
    previous: Window,
    where: tuple[tuple[str, str | None], ...] = (),
) -> Change:
    """One window of time against another, over the records matching `where` (FIELD=VALUE pairs)."""
    check_metric(metric)
    dialect = session.get_bind().dialect.name
    filters = tuple((field_named(name, dialect), value) for name, value in where)
    (now_sums,) = _sums(session, metric, current.scope(workspace_id, filters), [])
    (then_sums,) = _sums(session, metric, previous.scope(workspace_id, filters), [])
    comparison = compare(metric, now_sums, then_sums, get_settings().min_n)
    return Change(dict(where), comparison, None, comparison.significant())


def period_over_period(
    session: Session, workspace_id: uuid.UUID, metric: str, period: str = "month", as_of: date | None = None
) -> tuple[Window, Window, Change]:
    """The last complete period against the one before it, over all records."""
    current, previous = last_complete_periods(period, as_of)
    return current, previous, compare_windows(session, workspace_id, metric, current, previous)


def segments_against_rest(
    session: Session, workspace_id: uuid.UUID, metric: str, field: str, window: Window, alpha: float = 0.05
) -> list[Change]:
    """Each value of `field` against all other records of the window, BH-adjusted across the values."""
    check_metric(metric)
    if window.end <= window.start:
        raise Invalid("the period is empty", [Problem("since must not be after until", field="since")])
    scope = window.scope(workspace_id)
    (total,) = _sums(session, metric, scope, [])
    min_n = get_settings().min_n
    groups = _sums(session, metric, scope, [field])
    comparisons = [compare(metric, group, minus(total, group), min_n) for group in groups]
    keys = [{field: None if g["g0"] is None else str(g["g0"])} for g in groups]
    return _adjusted(keys, comparisons, alpha)


def _adjusted(keys: list[dict[str, str | None]], comparisons: list[Comparison], alpha: float) -> list[Change]:
    q_values = benjamini_hochberg([c.p_value for c in comparisons])
    changes = [
        Change(k, c, q, q is not None and q < alpha)
        for k, c, q in zip(keys, comparisons, q_values, strict=True)
    ]
    return sorted(
        changes,
        key=lambda change: (not change.significant, change.q_value if change.q_value is not None else 2),
    )


def movements(
    session: Session,
    workspace_id: uuid.UUID,
    metric: str,
    fields: list[str],
    period: str = "month",
    as_of: date | None = None,
    alpha: float = 0.05,
) -> tuple[Window, Window, list[Change]]:
    """Every segment of every field: its last complete period against the one before; BH across all of them.
    Significant movements first, the largest change first among them."""
    check_metric(metric)
    current, previous = last_complete_periods(period, as_of)
    min_n = get_settings().min_n
    keys: list[dict[str, str | None]] = []
    comparisons: list[Comparison] = []
    for name in fields:
        now = {g["g0"]: g for g in _sums(session, metric, current.scope(workspace_id), [name])}
        then = {g["g0"]: g for g in _sums(session, metric, previous.scope(workspace_id), [name])}
        for value in sorted(set(now) & set(then), key=str):
            keys.append({name: None if value is None else str(value)})
            comparisons.append(compare(metric, now[value], then[value], min_n))
    changes = _adjusted(keys, comparisons, alpha)
    return (
        current,
        previous,
        sorted(changes, key=lambda c: (not c.significant, -abs(c.comparison.difference or 0))),
    )
