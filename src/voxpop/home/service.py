"""What the home page shows, gathered from the domains' services: headline figures against the comparison,
the attention list (insight/attention.py) with each movement's likely causes, cases waiting, emerging themes."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from markupsafe import Markup
from sqlalchemy.orm import Session

from voxpop.home.sparkline import sparkline
from voxpop.insight import attention, causes, changes, emerging, service, theme_emerging
from voxpop.insight.attention import Movement, Scan
from voxpop.insight.compare import Comparison
from voxpop.insight.metrics import Estimate
from voxpop.insight.window import Window
from voxpop.text import explore as text_explore

LABELS = {"nps": "NPS", "csat": "CSAT %", "ces": "CES (mean, 1–7)", "rating": "Star rating (mean)"}
UNITS = {"nps": "points", "csat": "points", "ces": "", "rating": "stars"}
FORMATS = {"nps": "{:+.0f}", "csat": "{:.0f} %", "ces": "{:.2f}", "rating": "{:.2f}"}
SHOWN = 10
"""Movements on the list; the rest are counted."""
SPARK_WEEKS = 13
WITH_CAUSES = 5
"""Movements whose likely causes are looked for (four queries each); none without themes yet."""


@dataclass(frozen=True)
class Headline:
    metric: str
    estimate: Estimate
    comparison: Comparison | None
    spark: Markup


@dataclass(frozen=True)
class Item:
    movement: Movement
    causes: list[str]
    evidence: str


@dataclass(frozen=True)
class Home:
    headlines: list[Headline]
    items: list[Item]
    more: int
    tests: int
    fields: list[str]
    seconds: float
    """How long gathering took (0 when it came from the cache)."""


def gather(
    session: Session, workspace_id: uuid.UUID, window: Window, compared: Window | None, until: date
) -> Home:
    """Everything the home page shows but the cases, computed once per window and comparison until the
    records change (insight/attention.py's cache): a scan and its causes take seconds on 30,000 records."""

    def compute() -> Home:
        began = time.perf_counter()
        scan = attention.scan(session, workspace_id, window.since, until)
        return Home(
            headlines(session, workspace_id, window, compared, scan),
            items(session, workspace_id, scan, until),
            max(0, len(scan.movements) - SHOWN),
            scan.tests,
            scan.fields,
            time.perf_counter() - began,
        )

    key = ("home", window.since, until, compared)
    found, kept = attention.cached(session, workspace_id, key, compute)
    return replace(found, seconds=0.0) if kept else found


def in_words(p: float | None) -> str:
    """A test's p in words people use; the test and p themselves go behind a disclosure."""
    if p is None:
        return "too few answers to tell"
    if p < 0.001:
        return "very unlikely to be chance"
    if p < 0.01:
        return "unlikely to be chance"
    if p < 0.05:
        return "probably not chance"
    return "could well be chance"


def field_label(name: str | None) -> str:
    """`customer.region` → "Region", `attributes.item_delivery` → "Item delivery", `lifecycle_stage` → "Stage"."""
    if name is None:
        return "Everyone"
    key = name.split(".", 1)[-1]
    special = {"lifecycle_stage": "Stage", "kind": "Kind of record"}
    return special.get(key, key.replace("_", " ").capitalize())


def _change_window(window: Window) -> changes.Window:
    assert window.since is not None and window.until is not None
    return changes.Window(window.since, window.until + timedelta(days=1))


def headlines(
    session: Session, workspace_id: uuid.UUID, window: Window, compared: Window | None, scan: Scan
) -> list[Headline]:
    found = []
    for metric in attention.METRICS:
        if compared is not None and window.since is not None and window.until is not None:
            change = changes.compare_windows(
                session, workspace_id, metric, _change_window(window), _change_window(compared)
            )
            estimate, comparison = change.comparison.a, change.comparison
        else:
            query = service.SliceQuery(metric, since=window.since, until=window.until)
            figures = service.figures(session, workspace_id, query)
            estimate, comparison = (figures[0].estimate if figures else Estimate.empty()), None
        if estimate.n == 0:
            continue
        found.append(Headline(metric, estimate, comparison, _spark(metric, window, scan)))
    return found


def _spark(metric: str, window: Window, scan: Scan) -> Markup:
    weeks = scan.weekly.get(metric, [])
    first = window.since - timedelta(days=window.since.weekday()) if window.since else None
    chosen = [sums for week, sums in weeks if first is None or week >= first]
    if len(chosen) < SPARK_WEEKS // 2:
        chosen = [sums for _, sums in weeks[-SPARK_WEEKS:]]
    values = [attention.weekly_value(metric, sums) for sums in chosen]
    return sparkline(values, f"{LABELS[metric]} week by week")


def items(session: Session, workspace_id: uuid.UUID, scan: Scan, until: date) -> list[Item]:
    """The top movements with their likely causes (themes that moved with them, by name)."""
    names = {view.id: view.name for view in text_explore.theme_tree(session, workspace_id)}
    shown = []
    for rank, movement in enumerate(scan.movements[:SHOWN]):
        if not names or rank >= WITH_CAUSES:
            shown.append(Item(movement, [], movement.evidence(until)))
            continue
        found = causes.likely_causes(
            session,
            workspace_id,
            changes.Change(dict(movement.where), movement.comparison, movement.q_value, True),
            changes.Window(movement.start, movement.end or until + timedelta(days=1)),
            changes.Window(movement.before_start, movement.start),
        )
        described = [_cause(names.get(cause.theme_id), cause.measure) for cause in found]
        shown.append(Item(movement, [d for d in described if d], movement.evidence(until)))
    return shown


def _cause(name: str | None, measure: str) -> str | None:
    if name is None:
        return None
    return f"“{name}” mentioned more" if measure == "mentions" else f"“{name}” more negative"


def emerging_themes(session: Session, workspace_id: uuid.UUID, window: Window) -> list[Any]:
    kinds = set(theme_emerging.KINDS.values())
    return [
        insight
        for insight in emerging.recent(session, workspace_id)
        if insight.kind in kinds and (window.since is None or insight.since >= window.since)
    ][:5]
