"""Theme impact (docs/metrics.md): a score over all responses minus the score over the responses that do not
mention the theme, in points, with a 95 % interval. Negative: the theme drags the score down.

With w the share of responses mentioning the theme, impact = w × (score with − score without): the gap
between those who mention it and those who do not, times its reach. Its standard error treats w as fixed and
the two groups as independent: SE = w × √(SE_with² + SE_without²). Sums of groups add up, so "without" is
"all" minus "with" — one query per theme level, whatever the number of themes.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from voxpop.insight import compare, metrics, repository, service
from voxpop.insight.compare import Comparison
from voxpop.insight.metrics import Z95, Estimate
from voxpop.insight.service import SliceQuery
from voxpop.kit.settings import get_settings


@dataclass(frozen=True)
class ThemeImpact:
    theme_id: uuid.UUID
    impact: float
    low: float
    high: float
    gap: float
    reach: float
    mentions: Estimate
    without: Estimate
    significant: bool
    reliable: bool

    @property
    def estimate(self) -> Estimate:
        """The impact as an estimate: n is the answers mentioning the theme, which its reliability counts."""
        return Estimate(self.impact, self.low, self.high, self.mentions.n, self.reliable)

    @property
    def standard_error(self) -> float:
        return (self.high - self.low) / (2 * Z95)


def compare_impacts(a: ThemeImpact | None, b: ThemeImpact | None) -> Comparison:
    """Impact a minus impact b (two periods, say), each standard error from its interval: a z-test."""
    test = "z-test on the impact difference, SE = √(SE₁² + SE₂²)"
    return compare.compare_estimates(
        a.estimate if a else Estimate.empty(),
        b.estimate if b else Estimate.empty(),
        a.standard_error if a else 0.0,
        b.standard_error if b else 0.0,
        test,
    )


def impacts(
    session: Session, workspace_id: uuid.UUID, query: SliceQuery, top_level: bool = True
) -> tuple[Estimate, list[ThemeImpact]]:
    """The overall figure and each theme's impact on it, most negative first."""
    scope = service.scope_of(
        session, workspace_id, SliceQuery(query.metric, (), query.where, query.since, query.until, query.text)
    )
    service.check_metric(query.metric)
    overall_rows = repository.metric_sums(session, query.metric, scope, [])
    if not overall_rows or not int(overall_rows[0]["n"]):
        return Estimate.empty(), []
    overall = overall_rows[0]
    min_n = get_settings().min_n
    found = [
        _impact(query.metric, overall, row, min_n)
        for row in repository.theme_metric_sums(session, query.metric, scope, top_level)
    ]
    results = [impact for impact in found if impact is not None]
    return service.figure(query.metric, {}, overall).estimate, sorted(results, key=lambda i: i.impact)


def _impact(
    metric: str, overall: dict[str, Any], mentioning: dict[str, Any], min_n: int
) -> ThemeImpact | None:
    without = {
        key: overall[key] - mentioning[key] for key in overall if key in mentioning and key != "theme_id"
    }
    n_with, n_without = int(mentioning["n"]), int(without["n"])
    if n_with == 0 or n_without == 0:
        return None
    score_with, se_with = _score_and_se(metric, mentioning)
    score_without, se_without = _score_and_se(metric, without)
    reach = n_with / (n_with + n_without)
    gap = score_with - score_without
    se = reach * math.hypot(se_with, se_without)
    impact = reach * gap
    return ThemeImpact(
        theme_id=mentioning["theme_id"],
        impact=impact,
        low=impact - Z95 * se,
        high=impact + Z95 * se,
        gap=gap,
        reach=reach,
        mentions=service.figure(metric, {}, mentioning).estimate,
        without=service.figure(metric, {}, without).estimate,
        significant=se > 0 and abs(impact) > Z95 * se,
        reliable=n_with >= min_n,
    )


def _score_and_se(metric: str, sums: dict[str, Any]) -> tuple[float, float]:
    """A group's score and its standard error, in the metric's points."""
    n = int(sums["n"])
    if metric == "nps":
        p, d = int(sums["promoters"]) / n, int(sums["detractors"]) / n
        return 100 * (p - d), metrics.nps_standard_error(p, d, n)
    if metric == "csat":
        share = int(sums["satisfied"]) / n
        return 100 * share, 100 * math.sqrt(share * (1 - share) / n)
    if n < 2:
        return float(sums["total"]) / n, 0.0
    mean, variance = metrics.mean_and_variance(float(sums["total"]), float(sums["squares"]), n)
    return mean, math.sqrt(variance / n)
