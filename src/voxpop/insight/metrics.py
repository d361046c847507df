"""The metric definitions of docs/metrics.md, implemented once; everything that shows a score calls these.

NPS: 100 × (promoters − detractors) / n, SE = 100 × sqrt((p + d − (p − d)²) / n), 95 % interval ± 1.96 SE,
clipped to [−100, 100]. CSAT %: share of 4 and 5, Wilson interval. CES: mean with a t interval, and the share
agreeing (5–7) with a Wilson interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

Z95 = 1.959963984540054


def scipy_stats() -> Any:
    """SciPy's stats module, imported on first use: it costs a second and 60 MB that most commands never need."""
    from scipy import stats

    return stats


@dataclass(frozen=True)
class Estimate:
    value: float | None
    low: float | None
    high: float | None
    n: int
    reliable: bool

    @classmethod
    def empty(cls) -> Estimate:
        return cls(value=None, low=None, high=None, n=0, reliable=False)


def nps_standard_error(promoter_share: float, detractor_share: float, n: int) -> float:
    """The SE of an NPS in points (docs/metrics.md), for shares p and d observed (or expected) over n answers."""
    p, d = promoter_share, detractor_share
    return 100 * math.sqrt(max(0.0, p + d - (p - d) ** 2) / n)


def mean_and_variance(total: float, total_squares: float, n: int) -> tuple[float, float]:
    """Mean and sample variance (n − 1) from a sum and a sum of squares; n must be at least 2."""
    mean = total / n
    return mean, max(0.0, (total_squares - n * mean**2) / (n - 1))


def nps(promoters: int, detractors: int, n: int, min_n: int) -> Estimate:
    if n == 0:
        return Estimate.empty()
    p, d = promoters / n, detractors / n
    score = 100 * (p - d)
    se = nps_standard_error(p, d, n)
    return Estimate(score, max(-100.0, score - Z95 * se), min(100.0, score + Z95 * se), n, n >= min_n)


def wilson_share(successes: int, n: int, min_n: int) -> Estimate:
    """A share in percent with its Wilson score interval."""
    if n == 0:
        return Estimate.empty()
    share = successes / n
    centre = (share + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(share * (1 - share) / n + Z95**2 / (4 * n**2)) / (1 + Z95**2 / n)
    return Estimate(100 * share, 100 * (centre - half), 100 * (centre + half), n, n >= min_n)


def csat(satisfied: int, n: int, min_n: int) -> Estimate:
    return wilson_share(satisfied, n, min_n)


def mean_t(total: float, total_squares: float, n: int, min_n: int) -> Estimate:
    """A mean with its t interval, from the sum and the sum of squares (so SQL can aggregate)."""
    if n == 0:
        return Estimate.empty()
    if n == 1:
        return Estimate(total, None, None, n, False)
    mean, variance = mean_and_variance(total, total_squares, n)
    half = float(scipy_stats().t.ppf(0.975, n - 1)) * math.sqrt(variance / n)
    return Estimate(mean, mean - half, mean + half, n, n >= min_n)
