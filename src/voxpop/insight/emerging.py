"""Emerging issues: a metric that left its control limits in the last complete period.

Control limits (Shewhart, 3 σ by default) come from the baseline, the `baseline` periods before: the expected
value is the baseline's figure, and σ is the standard error a period of the current n would have if nothing
had changed (NPS: docs/metrics.md's SE with the baseline's promoter and detractor shares; CSAT: the binomial SE of
the baseline share; means: the baseline standard deviation / √n). Only reliable periods (n ≥ the minimum)
are judged. Each finding is stored as an insight (what, where, since when, evidence); finding it again
updates the same row.
"""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from voxpop.insight import repository
from voxpop.insight.changes import Window, last_complete_periods, periods_before
from voxpop.insight.fields import field as field_named
from voxpop.insight.metrics import mean_and_variance, nps_standard_error
from voxpop.insight.models import Insight
from voxpop.insight.service import DETECTED, check_metric, figure
from voxpop.kit import clock

KIND = "metric_out_of_control"


@dataclass(frozen=True)
class Limits:
    expected: float
    lower: float
    upper: float


def control_limits(metric: str, baseline: dict[str, Any], n: int, sigma: float) -> Limits | None:
    base_n = int(baseline["n"])
    if base_n < 2 or n < 1:
        return None
    if metric == "nps":
        p, d = int(baseline["promoters"]) / base_n, int(baseline["detractors"]) / base_n
        expected, se = 100 * (p - d), nps_standard_error(p, d, n)
    elif metric == "csat":
        share = int(baseline["satisfied"]) / base_n
        expected, se = 100 * share, 100 * math.sqrt(share * (1 - share) / n)
    else:
        expected, variance = mean_and_variance(float(baseline["total"]), float(baseline["squares"]), base_n)
        se = math.sqrt(variance / n)
    return Limits(expected, expected - sigma * se, expected + sigma * se)


def _segments(
    session: Session, metric: str, window: Window, workspace_id: uuid.UUID, name: str | None
) -> dict[Any, dict[str, Any]]:
    group = [field_named(name, session.get_bind().dialect.name)] if name else []
    rows = repository.metric_sums(session, metric, window.scope(workspace_id), group)
    return {row.get("g0"): row for row in rows}


def detect_metric_shifts(
    session: Session,
    workspace_id: uuid.UUID,
    metric: str = "nps",
    fields: tuple[str, ...] = ("channel",),
    period: str = "week",
    baseline_periods: int = 8,
    sigma: float = 3.0,
    as_of: date | None = None,
) -> list[Insight]:
    """Judge the last complete period overall and for every segment of `fields`; store what is out of limits."""
    check_metric(metric)
    current, _ = last_complete_periods(period, as_of)
    baseline = periods_before(current.start, period, baseline_periods)
    found = []
    for name in (None, *fields):
        now, before = (_segments(session, metric, w, workspace_id, name) for w in (current, baseline))
        for value, sums in now.items():
            if value not in before:
                continue
            insight = _judge(session, workspace_id, metric, name, value, sums, before[value], current, sigma)
            if insight is not None:
                found.append(insight)
    return found


def _judge(
    session: Session,
    workspace_id: uuid.UUID,
    metric: str,
    name: str | None,
    value: Any,
    sums: dict[str, Any],
    baseline: dict[str, Any],
    current: Window,
    sigma: float,
) -> Insight | None:
    estimate = figure(metric, {}, sums).estimate
    limits = control_limits(metric, baseline, estimate.n, sigma)
    if limits is None or estimate.value is None or not estimate.reliable:
        return None
    if limits.lower <= estimate.value <= limits.upper:
        return None
    segment = {} if name is None else {name: None if value is None else str(value)}
    evidence = {
        "value": estimate.value,
        "n": estimate.n,
        "expected": limits.expected,
        "lower": limits.lower,
        "upper": limits.upper,
        "sigma": sigma,
        "baseline_n": int(baseline["n"]),
        "period": {"start": current.start.isoformat(), "end": current.last_day.isoformat()},
    }
    return _store(session, workspace_id, metric, segment, current.start, evidence)


def _store(
    session: Session,
    workspace_id: uuid.UUID,
    metric: str,
    segment: dict[str, Any],
    since: date,
    evidence: dict[str, Any],
) -> Insight:
    where = ", ".join(f"{k} = {v}" for k, v in segment.items()) or "all feedback"
    direction = "fell below" if evidence["value"] < evidence["lower"] else "rose above"
    key = json.dumps([metric, segment, since.isoformat()], sort_keys=True)
    subject = hashlib.sha256(key.encode()).hexdigest()
    title = f"{metric.upper()} {direction} its control limits ({where}, from {since.isoformat()})"[:300]
    insight = repository.insight_by_subject(session, workspace_id, KIND, subject)
    if insight is None:
        insight = Insight(
            workspace_id=workspace_id, kind=KIND, subject=subject, since=since, metric=metric, title=title
        )
        repository.add_insight(session, insight)
    insight.title, insight.segment, insight.evidence, insight.detected_at = (
        title,
        segment,
        evidence,
        clock.now(),
    )
    DETECTED(session, insight)
    return insight


def recent(session: Session, workspace_id: uuid.UUID) -> list[Insight]:
    return repository.recent_insights(session, workspace_id)
