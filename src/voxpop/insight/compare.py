"""Is a difference real? Tests between two independent groups of answers, and false-discovery control.

- NPS: z-test on the difference, SE = sqrt(SE₁² + SE₂²) with each SE from docs/metrics.md's formula.
- CSAT % and CES share agreeing: two-proportion z-test (pooled SE for the test, unpooled for the interval).
- CES and star-rating means: Welch's t-test (unequal variances), Welch–Satterthwaite degrees of freedom.
- Many segments at once: Benjamini–Hochberg adjusted p-values (q), so the share of false discoveries among
  the movements called significant stays at the stated level.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from voxpop.insight import metrics
from voxpop.insight.metrics import Z95, Estimate, scipy_stats

NOT_ENOUGH = "not enough answers for a test"


@dataclass(frozen=True)
class Comparison:
    """Group a minus group b: the difference with its 95 % interval, the test used, its statistic and p."""

    a: Estimate
    b: Estimate
    difference: float | None
    low: float | None
    high: float | None
    test: str
    statistic: float | None
    p_value: float | None

    def significant(self, alpha: float = 0.05) -> bool:
        return self.p_value is not None and self.p_value < alpha


def _normal_p(z: float) -> float:
    return float(2 * scipy_stats().norm.sf(abs(z)))


def _nps_se(sums: dict[str, Any]) -> float:
    n = int(sums["n"])
    return metrics.nps_standard_error(int(sums["promoters"]) / n, int(sums["detractors"]) / n, n)


def _certain(a: Estimate, b: Estimate, difference: float, test: str) -> Comparison:
    """No spread at all in either group (every answer the same): any difference is certain, none is certainly none."""
    return Comparison(a, b, difference, difference, difference, test, None, 0.0 if difference else 1.0)


def _untestable(a: Estimate, b: Estimate, test: str) -> Comparison:
    difference = a.value - b.value if a.value is not None and b.value is not None else None
    return Comparison(a, b, difference, None, None, test, None, None)


def compare_nps(a_sums: dict[str, Any], b_sums: dict[str, Any], min_n: int) -> Comparison:
    a = metrics.nps(int(a_sums["promoters"]), int(a_sums["detractors"]), int(a_sums["n"]), min_n)
    b = metrics.nps(int(b_sums["promoters"]), int(b_sums["detractors"]), int(b_sums["n"]), min_n)
    if a.n < 2 or b.n < 2:
        return _untestable(a, b, NOT_ENOUGH)
    test = "z-test on the NPS difference, SE = √(SE₁² + SE₂²)"
    return compare_estimates(a, b, _nps_se(a_sums), _nps_se(b_sums), test)


def compare_estimates(a: Estimate, b: Estimate, se_a: float, se_b: float, test: str) -> Comparison:
    """Two independent estimates with known standard errors: z = (a − b) / √(SE₁² + SE₂²)."""
    if a.value is None or b.value is None:
        return _untestable(a, b, NOT_ENOUGH)
    se = math.hypot(se_a, se_b)
    difference = a.value - b.value
    if se == 0:
        return _certain(a, b, difference, test)
    z = difference / se
    return Comparison(a, b, difference, difference - Z95 * se, difference + Z95 * se, test, z, _normal_p(z))


def compare_shares(a_hits: int, a_n: int, b_hits: int, b_n: int, min_n: int) -> Comparison:
    """Two shares in percent (CSAT top-2-box, CES agreeing)."""
    a, b = metrics.wilson_share(a_hits, a_n, min_n), metrics.wilson_share(b_hits, b_n, min_n)
    test = "two-proportion z-test"
    if a_n < 2 or b_n < 2:
        return _untestable(a, b, NOT_ENOUGH)
    pa, pb, pooled = a_hits / a_n, b_hits / b_n, (a_hits + b_hits) / (a_n + b_n)
    pooled_se = math.sqrt(pooled * (1 - pooled) * (1 / a_n + 1 / b_n))
    se = math.sqrt(pa * (1 - pa) / a_n + pb * (1 - pb) / b_n)
    difference = 100 * (pa - pb)
    if pooled_se == 0:
        return _certain(a, b, difference, test)
    z = (pa - pb) / pooled_se
    return Comparison(
        a, b, difference, difference - 100 * Z95 * se, difference + 100 * Z95 * se, test, z, _normal_p(z)
    )


def _mean_and_variance(sums: dict[str, Any]) -> tuple[int, float, float]:
    n = int(sums["n"])
    return n, *metrics.mean_and_variance(float(sums["total"]), float(sums["squares"]), n)


def compare_means(a_sums: dict[str, Any], b_sums: dict[str, Any], min_n: int) -> Comparison:
    """Welch's t-test between two means (CES, star rating)."""
    a = metrics.mean_t(float(a_sums["total"]), float(a_sums["squares"]), int(a_sums["n"]), min_n)
    b = metrics.mean_t(float(b_sums["total"]), float(b_sums["squares"]), int(b_sums["n"]), min_n)
    test = "Welch's t-test"
    if int(a_sums["n"]) < 2 or int(b_sums["n"]) < 2:
        return _untestable(a, b, NOT_ENOUGH)
    (na, ma, va), (nb, mb, vb) = _mean_and_variance(a_sums), _mean_and_variance(b_sums)
    se2 = va / na + vb / nb
    if se2 == 0:
        return _certain(a, b, ma - mb, test)
    df = se2**2 / ((va / na) ** 2 / (na - 1) + (vb / nb) ** 2 / (nb - 1))
    t = (ma - mb) / math.sqrt(se2)
    half = float(scipy_stats().t.ppf(0.975, df)) * math.sqrt(se2)
    p = float(2 * scipy_stats().t.sf(abs(t), df))
    return Comparison(a, b, ma - mb, ma - mb - half, ma - mb + half, test, t, p)


def compare(metric: str, a_sums: dict[str, Any], b_sums: dict[str, Any], min_n: int) -> Comparison:
    """The test of docs/metrics.md's definition for this metric: group a minus group b."""
    if metric == "nps":
        return compare_nps(a_sums, b_sums, min_n)
    if metric == "csat":
        return compare_shares(
            int(a_sums["satisfied"]), int(a_sums["n"]), int(b_sums["satisfied"]), int(b_sums["n"]), min_n
        )
    return compare_means(a_sums, b_sums, min_n)


def minus(total: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]:
    """The sums of everything but a group: every sum a definition needs is additive."""
    return {key: total[key] - part[key] for key in part if key in total and not key.startswith("g")}


def benjamini_hochberg(p_values: Sequence[float | None]) -> list[float | None]:
    """Adjusted p-values (q); untestable groups stay None and do not count towards the number of tests."""
    tested = [(i, p) for i, p in enumerate(p_values) if p is not None]
    adjusted: list[float | None] = [None] * len(p_values)
    if tested:
        q = scipy_stats().false_discovery_control([p for _, p in tested], method="bh")
        for (index, _), value in zip(tested, q, strict=True):
            adjusted[index] = float(value)
    return adjusted
