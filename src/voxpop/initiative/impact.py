"""Did the fix work? Each target of an initiative, in a window before its start against the window since:

- a theme: its share of records (with text) mentioning it and the negative share of its sentences
  (two-proportion z-tests), and its impact on each score (theme impact, docs/metrics.md) with a z-test on the
  difference of the two impacts;
- a touchpoint, lifecycle stage, channel or segment: each score (NPS, CSAT %, CES) of its records, with the
  metric's own test (insight's `compare_windows`).

Many measures are tested at once, so the outcome of each is judged on its Benjamini–Hochberg q, not its p.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy.orm import Session

from voxpop.initiative import service
from voxpop.initiative.models import Initiative
from voxpop.initiative.schemas import Outcome
from voxpop.insight import causes, changes, theme_impact
from voxpop.insight.changes import Window
from voxpop.insight.compare import Comparison, benjamini_hochberg, compare_shares
from voxpop.insight.metrics import Estimate
from voxpop.insight.records import records_link
from voxpop.insight.service import SliceQuery
from voxpop.insight.theme_impact import ThemeImpact
from voxpop.kit.settings import get_settings
from voxpop.kit.validation import FIRST_DAY, LAST_DAY, is_kept_day

ALPHA = 0.05
METRICS = {"nps": "NPS", "csat": "CSAT %", "ces": "CES (mean)"}
UNITS = {"nps": "points", "csat": "% of answers", "ces": "mean, 1–7"}
SHARES = {
    "mentions": ("share of records with text mentioning it", "% of records"),
    "negative": ("negative share of its sentences", "% of sentences"),
}


@dataclass(frozen=True)
class Measure:
    """One figure before and after the start (`comparison`: after minus before) and its drill-downs."""

    target: str
    subject: str
    measure: str
    unit: str
    comparison: Comparison
    higher_is_better: bool
    before_records: str
    after_records: str
    q_value: float | None = None

    @property
    def outcome(self) -> Outcome:
        if self.comparison.p_value is None or self.q_value is None:
            return "untestable"
        if self.q_value >= ALPHA:
            return "no change"
        rose = (self.comparison.difference or 0) > 0
        return "better" if rose == self.higher_is_better else "worse"


@dataclass(frozen=True)
class Impact:
    before: Window | None
    after: Window | None
    measures: list[Measure]
    verdict: str


def windows(
    initiative: Initiative, today: date, before_days: int | None = None, after_days: int | None = None
) -> tuple[Window, Window] | None:
    """After: from the start to the end date or today (whichever is first), or `after_days` long. Before: the
    same number of days (or `before_days`) just before the start. None before the initiative starts."""
    start = initiative.starts_on
    if start > today:
        return None
    last = min(initiative.ends_on or today, today)
    after = Window(start, start + timedelta(days=after_days) if after_days else last + timedelta(days=1))
    length = before_days or (after.end - after.start).days
    return Window(start - timedelta(days=length), start), after


def impact(
    session: Session,
    initiative: Initiative,
    theme_names: dict[uuid.UUID, str],
    today: date,
    before_days: int | None = None,
    after_days: int | None = None,
) -> Impact:
    """Every target's measures before and after the start, with the initiative's one-line verdict."""
    if not all(is_kept_day(day) for day in (initiative.starts_on, initiative.ends_on) if day is not None):
        return Impact(
            None, None, [], f"Not measured: its dates are outside {FIRST_DAY} to {LAST_DAY}; edit them"
        )
    found = windows(initiative, today, before_days, after_days)
    if found is None:
        return Impact(None, None, [], f"Not started yet (starts {initiative.starts_on.isoformat()})")
    before, after = found
    targets = service.targets_of(initiative)
    workspace_id = initiative.workspace_id
    measures = [
        *_theme_measures(session, workspace_id, targets.themes, theme_names, before, after),
        *_slice_measures(session, workspace_id, targets.slices(), before, after),
    ]
    q_values = benjamini_hochberg([m.comparison.p_value for m in measures])
    judged = [replace(m, q_value=q) for m, q in zip(measures, q_values, strict=True)]
    return Impact(before, after, judged, _verdict(judged, bool(targets.themes or targets.slices())))


def _theme_measures(
    session: Session,
    workspace_id: uuid.UUID,
    themes: list[uuid.UUID],
    names: dict[uuid.UUID, str],
    before: Window,
    after: Window,
) -> list[Measure]:
    if not themes:
        return []
    shifts = {
        (s.theme_id, s.measure): s.comparison
        for s in causes.theme_shifts(session, workspace_id, after, before)
    }
    nothing = compare_shares(0, 0, 0, 0, get_settings().min_n)
    measures = []
    impacts = _impacts_by_metric(session, workspace_id, before, after)
    for theme_id in themes:
        name = names.get(theme_id, "(a theme since deleted)")
        link = f"/themes/{theme_id}"
        for key, (label, unit) in SHARES.items():
            comparison = shifts.get((theme_id, key), nothing)
            measures.append(Measure("theme", name, label, unit, comparison, False, link, link))
        for metric, (now, then) in impacts.items():
            measures.append(
                Measure(
                    "theme",
                    name,
                    f"impact on {METRICS[metric]}",
                    f"{UNITS[metric]} of {METRICS[metric]}",
                    theme_impact.compare_impacts(now.get(theme_id), then.get(theme_id)),
                    True,
                    records_link(metric, since=before.start, until=before.last_day),
                    records_link(metric, since=after.start, until=after.last_day),
                )
            )
    return measures


def _impacts_by_metric(
    session: Session, workspace_id: uuid.UUID, before: Window, after: Window
) -> dict[str, tuple[dict[uuid.UUID, ThemeImpact], dict[uuid.UUID, ThemeImpact]]]:
    """Per metric answered in either window: every theme's impact after, and before."""
    found = {}
    for metric in METRICS:
        (now_overall, now), (then_overall, then) = (
            _impacts(session, workspace_id, metric, window) for window in (after, before)
        )
        if now_overall.n or then_overall.n:
            found[metric] = (now, then)
    return found


def _impacts(
    session: Session, workspace_id: uuid.UUID, metric: str, window: Window
) -> tuple[Estimate, dict[uuid.UUID, ThemeImpact]]:
    query = SliceQuery(metric, since=window.start, until=window.last_day)
    overall, found = theme_impact.impacts(session, workspace_id, query)
    return overall, {i.theme_id: i for i in found}


def _slice_measures(
    session: Session,
    workspace_id: uuid.UUID,
    slices: list[tuple[str, str]],
    before: Window,
    after: Window,
) -> list[Measure]:
    measures = []
    for field, value in slices:
        where: tuple[tuple[str, str | None], ...] = ((field, value),)
        for metric, label in METRICS.items():
            comparison = changes.compare_windows(
                session, workspace_id, metric, after, before, where
            ).comparison
            if comparison.a.n or comparison.b.n:
                measures.append(
                    Measure(
                        field,
                        value,
                        label,
                        UNITS[metric],
                        comparison,
                        True,
                        records_link(metric, where=where, since=before.start, until=before.last_day),
                        records_link(metric, where=where, since=after.start, until=after.last_day),
                    )
                )
    return measures


def _verdict(measures: list[Measure], has_targets: bool) -> str:
    if not has_targets:
        return "No targets to measure"
    outcomes = [m.outcome for m in measures if m.outcome != "untestable"]
    if not outcomes:
        return "Not enough answers yet to judge"
    better, worse, tested = outcomes.count("better"), outcomes.count("worse"), len(outcomes)
    if better and worse:
        return f"Mixed: {better} better and {worse} worse, of {tested} measures tested"
    if better:
        return f"Better: {better} of {tested} measures improved significantly"
    if worse:
        return f"Worse: {worse} of {tested} measures got significantly worse"
    return f"No significant change in {tested} measures tested"
