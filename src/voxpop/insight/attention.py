"""What needs attention: significant movements of every headline metric, in every segment, found in time.

For each metric (NPS, CSAT, CES, stars) and each segment — everyone, and each value of the channel, touchpoint,
stage, record kind, language and every customer and record attribute with few values — the segment's weekly
series over the two years up to the window's end is split where its level changed (insight/changepoints.py).
Each split is a candidate movement: the answers of the regime after it against those of the regime before,
by the metric's own test (insight/compare.py). Benjamini–Hochberg controls false discoveries across every
split of every series scanned; a movement is kept when its q is below 5 % and its new regime reaches into
the window looked at. Movements are ranked by impact: the change on a 0–100 scale × the answers it touched
in the window (docs/decisions.md, issue 18)."""

from __future__ import annotations

import itertools
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from voxpop.insight import changes, repository
from voxpop.insight.changepoints import change_points
from voxpop.insight.compare import Comparison, benjamini_hochberg, compare
from voxpop.insight.fields import CUSTOMER_PREFIX
from voxpop.insight.fields import field as field_named
from voxpop.insight.records import records_link
from voxpop.insight.repository import Scope
from voxpop.kit.settings import get_settings

T = TypeVar("T")
METRICS = ("nps", "csat", "ces", "rating")
SCALE = {"nps": 0.5, "csat": 1.0, "ces": 100 / 6, "rating": 25.0}
"""Points of each metric's own unit on a 0–100 scale (NPS spans 200 points, CES 6, stars 4), to rank together."""
COLUMN_FIELDS = ("channel", "touchpoint", "lifecycle_stage", "kind", "language")
MAX_VALUES = 30
"""An attribute with more distinct values than this is an identifier or a measure, not a segment."""
HISTORY_WEEKS = 104
MIN_WEEK_N = 3
"""A week with fewer answers than this is left out of a segment's series (its value is mostly noise)."""
ALPHA = 0.05
ECHO_DAYS = 42
ECHO_SHARE = 0.5
SAMPLE = 2000
"""Recent records read to find the record attributes worth scanning."""


@dataclass(frozen=True)
class Movement:
    """A segment's metric moved from `start` (and stayed moved until `end`, exclusive, or to this day)."""

    metric: str
    field: str | None
    """None: everyone."""
    value: str | None
    start: date
    end: date | None
    before_start: date
    comparison: Comparison
    """The regime after the change minus the one before: the size with its interval, test and p."""
    q_value: float
    people: int
    """Answers in the new regime within the window."""
    impact: float
    also: tuple[tuple[str, str | None], ...] = ()
    """Other segments holding exactly the same answers."""

    @property
    def where(self) -> tuple[tuple[str, str | None], ...]:
        return () if self.field is None else ((self.field, self.value),)

    @property
    def fell(self) -> bool:
        return (self.comparison.difference or 0) < 0

    def evidence(self, until: date) -> str:
        """The records behind the new level: the segment's answers to the metric since the change."""
        last = self.end - timedelta(days=1) if self.end else until
        return records_link(self.metric, where=self.where, since=self.start, until=last)


@dataclass(frozen=True)
class Scan:
    movements: list[Movement]
    weekly: dict[str, list[tuple[date, dict[str, Any]]]]
    """Everyone's weekly sums per metric (for the sparklines)."""
    tests: int
    seconds: float
    fields: list[str] = field(default_factory=list)


def segment_fields(session: Session, workspace_id: uuid.UUID) -> list[str]:
    """The fields whose values are segments: the record columns, and each customer or record attribute with
    at most MAX_VALUES values that are not numbers (numbers are measures, such as a 1–5 rating)."""
    customer = [
        CUSTOMER_PREFIX + key
        for key, count in sorted(repository.customer_attribute_spread(session, workspace_id).items())
        if 1 < count <= MAX_VALUES
    ]
    seen: dict[str, set[str]] = defaultdict(set)
    for attributes in repository.recent_attributes(session, workspace_id, SAMPLE):
        for key, value in attributes.items():
            if isinstance(value, str | bool) and len(seen[key]) <= MAX_VALUES:
                seen[key].add(str(value))
            elif value is not None:
                seen[key].update(str(i) for i in range(MAX_VALUES + 1))  # a number or a structure
    record = [f"attributes.{key}" for key, values in sorted(seen.items()) if 1 < len(values) <= MAX_VALUES]
    return [*COLUMN_FIELDS, *customer, *record]


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _add(total: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]:
    return {key: total.get(key, 0) + (value or 0) for key, value in part.items()}


def weekly_value(metric: str, sums: dict[str, Any]) -> float | None:
    n = int(sums.get("n") or 0)
    if n < MIN_WEEK_N:
        return None
    if metric == "nps":
        return 100 * (int(sums["promoters"]) - int(sums["detractors"])) / n
    if metric == "csat":
        return 100 * int(sums["satisfied"]) / n
    return float(sums["total"]) / n


@dataclass(frozen=True)
class _Candidate:
    metric: str
    field: str | None
    value: str | None
    start: date
    end: date | None
    before_start: date
    comparison: Comparison
    people: int
    recovery: bool
    """A rise straight after a fall of the same series: the fall's end, not a movement of its own."""


def _splits(
    metric: str,
    key: tuple[str | None, str | None],
    weeks: list[tuple[date, dict[str, Any]]],
    since: date | None,
) -> Iterable[_Candidate]:
    """The candidate movements of one series: each change point whose new regime reaches into the window."""
    usable = [(week, sums) for week, sums in weeks if weekly_value(metric, sums) is not None]
    values = [weekly_value(metric, sums) or 0.0 for _, sums in usable]
    bounds = [0, *change_points(values), len(usable)]
    regimes = [usable[a:b] for a, b in itertools.pairwise(bounds)]
    min_n = get_settings().min_n
    first = _monday(since) if since else None
    for k in range(1, len(regimes)):
        after, before = regimes[k], regimes[k - 1]
        in_window = [sums for week, sums in after if first is None or week >= first]
        if not in_window:
            continue
        after_sums = _total(s for _, s in after)
        comparison = compare(metric, after_sums, _total(s for _, s in before), min_n)
        end = regimes[k + 1][0][0] if k + 1 < len(regimes) else None
        people = int(_total(in_window).get("n", 0))
        levels = [_level(metric, regimes[i]) for i in range(max(0, k - 2), k + 1)]
        recovery = len(levels) == 3 and levels[1] < levels[0] and levels[2] > levels[1]
        yield _Candidate(metric, *key, after[0][0], end, before[0][0], comparison, people, recovery)


def _level(metric: str, regime: list[tuple[date, dict[str, Any]]]) -> float:
    return weekly_value(metric, _total(s for _, s in regime)) or 0.0


def _total(parts: Iterable[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {}
    for part in parts:
        total = _add(total, part)
    return total


Series = dict[tuple[str | None, str | None], dict[str, list[dict[str, Any]]]]


def _components(metric: str, scores: Any) -> dict[str, Any]:
    """Each answer's part of the sums of `repository.METRIC_SUMS` (all additive), as arrays over the answers."""
    ones = scores * 0 + 1
    if metric == "nps":
        return {"n": ones, "promoters": scores >= 9, "detractors": scores <= 6}
    if metric == "csat":
        return {"n": ones, "satisfied": scores >= 4}
    sums = {"n": ones, "total": scores, "squares": scores * scores}
    if metric == "ces":
        return {**sums, "agree": scores >= 5}
    return {**sums, **{f"stars_{k}": (scores >= k - 0.5) & (scores < k + 0.5) for k in range(1, 6)}}


def _series(session: Session, scope: Scope, names: list[str], first_week: date, weeks: int) -> Series:
    """(field, value) → metric → the sums of each week, for everyone (None, None) and every value of every
    field: the records are read once and counted by numpy (one grouped query per field took 6× as long)."""
    import numpy as np

    dialect = session.get_bind().dialect.name
    fields = [field_named("week", dialect), *(field_named(name, dialect) for name in names)]
    rows = repository.scored_rows(session, scope, fields)
    week = np.array([(date.fromisoformat(str(r[4])[:10]) - first_week).days // 7 for r in rows], dtype=int)
    week = np.clip(week, 0, weeks - 1)
    found: Series = {}
    everyone: dict[str | None, int] = {None: 0}
    coded: list[tuple[str | None, dict[str | None, int], Any]] = [
        (None, everyone, np.zeros(len(rows), dtype=int))
    ]
    for i, field_name in enumerate(names):
        codes: dict[str | None, int] = {}
        values = [None if r[5 + i] is None else str(r[5 + i]) for r in rows]
        code = np.array([-1 if v is None else codes.setdefault(v, len(codes)) for v in values], dtype=int)
        coded.append((field_name, codes, code))
    for metric_index, metric in enumerate(METRICS):
        has = np.array([r[metric_index] is not None for r in rows], dtype=bool)
        scores = np.array([np.nan if r[metric_index] is None else float(r[metric_index]) for r in rows])
        parts = {k: np.asarray(v, dtype=float) for k, v in _components(metric, scores).items()}
        for name, codes, code in coded:
            chosen = has & (code >= 0)
            key = code[chosen] * weeks + week[chosen]
            counted = {
                part: np.bincount(key, weights=array[chosen], minlength=len(codes) * weeks).reshape(-1, weeks)
                for part, array in parts.items()
            }
            for value, index in codes.items():
                n = counted["n"][index]
                if n.sum() == 0:
                    continue
                found.setdefault((name, value), {})[metric] = [
                    {part: float(counted[part][index][w]) for part in counted} if n[w] else {}
                    for w in range(weeks)
                ]
    return found


def scan(session: Session, workspace_id: uuid.UUID, since: date | None, until: date) -> Scan:
    """Every significant movement reaching into the window `since`–`until` (inclusive), largest impact first."""
    began = time.perf_counter()
    history_start = _monday(until) - timedelta(weeks=HISTORY_WEEKS - 1)
    if since is not None and since < history_start:
        history_start = _monday(since) - timedelta(weeks=26)
    scope = changes.Window(history_start, until + timedelta(days=1)).scope(workspace_id)
    weeks = [
        history_start + timedelta(weeks=i) for i in range((_monday(until) - history_start).days // 7 + 1)
    ]
    fields = segment_fields(session, workspace_id)
    candidates: list[_Candidate] = []
    everyone: dict[str, list[tuple[date, dict[str, Any]]]] = {}
    for key, by_metric in _series(session, scope, fields, history_start, len(weeks)).items():
        for metric, by_week in by_metric.items():
            series = list(zip(weeks, by_week, strict=True))
            if key == (None, None):
                everyone[metric] = series
            candidates += _splits(metric, key, series, since)
    q_values = benjamini_hochberg([c.comparison.p_value for c in candidates])
    found = [
        Movement(
            **{k: v for k, v in vars(c).items() if k != "recovery"},
            q_value=q,
            impact=abs(c.comparison.difference or 0) * SCALE[c.metric] * c.people,
        )
        for c, q in zip(candidates, q_values, strict=True)
        if q is not None
        and q < ALPHA
        and not c.recovery
        and c.comparison.a.reliable
        and c.comparison.b.reliable
    ]
    ranked = sorted(_without_echoes(_merged(found)), key=lambda m: -m.impact)
    return Scan(ranked, everyone, len(candidates), time.perf_counter() - began, fields)


def _merged(found: list[Movement]) -> list[Movement]:
    """Segments holding exactly the same answers (touchpoint "support" and stage "support") are one movement,
    named by the first field scanned, the others listed in `also`."""
    kept: dict[tuple[Any, ...], Movement] = {}
    for m in found:
        c = m.comparison
        key = (m.metric, m.start, c.a.n, c.b.n, round(c.difference or 0, 9))
        first = kept.get(key)
        if first is None:
            kept[key] = m
        elif m.field is not None:
            kept[key] = replace(first, also=(*first.also, (m.field, m.value)))
    return list(kept.values())


def _without_echoes(found: list[Movement]) -> list[Movement]:
    """A segment holding most of everyone's answers that moved with everyone — by as much as everyone did,
    within its interval, around the same time — tells nothing of its own (English answers, email, consumers):
    everyone's movement is on the list already. A smaller segment stays: its own change is news."""
    overall = [m for m in found if m.field is None]

    def echoes(m: Movement) -> bool:
        c = m.comparison
        return any(
            e.metric == m.metric
            and abs((e.start - m.start).days) <= ECHO_DAYS
            and c.a.n >= ECHO_SHARE * e.comparison.a.n
            and c.low is not None
            and c.high is not None
            and c.low <= (e.comparison.difference or 0) <= c.high
            for e in overall
        )

    return [m for m in found if m.field is None or not echoes(m)]


_CACHE: dict[tuple[Any, ...], tuple[float, Any]] = {}
CACHE_SECONDS = 600.0


def cached(
    session: Session, workspace_id: uuid.UUID, key: tuple[Any, ...], compute: Callable[[], T]
) -> tuple[T, bool]:
    """`compute()`, kept in this process for ten minutes or until the workspace's records arrive, change or
    are analysed (`repository.data_stamp`); one workspace keeps one answer per key. Also says whether it
    came from the cache."""
    full = (workspace_id, *key, *repository.data_stamp(session, workspace_id))
    now = time.monotonic()
    hit = _CACHE.get(full)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1], True
    result = compute()
    for stale in [k for k, (at, _) in _CACHE.items() if now - at >= CACHE_SECONDS or k[:-3] == full[:-3]]:
        del _CACHE[stale]
    _CACHE[full] = (now, result)
    return result, False
