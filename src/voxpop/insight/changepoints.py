"""Since when: the change points of a weekly series, by penalised least squares (binary segmentation, from
the `ruptures` library), rather than fixed calendar periods.

The penalty is the BIC-like 2 σ² log T (Yao 1988), σ estimated robustly from the week-to-week differences (their median
absolute deviation), so a series of pure noise is seldom split and a step of a few σ held for a few weeks is
found. Whether a split is a real movement is then decided by the metric's own test on the answers on each
side (insight/attention.py), not by the penalty."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

MIN_WEEKS = 4
"""A regime lasts at least this many weeks: shorter wobbles are noise at weekly grain."""
PENALTY = 2.0


def noise_scale(values: Sequence[float]) -> float:
    """σ of the series' noise from the median absolute deviation of its differences (robust to steps)."""
    differences = sorted(abs(b - a) for a, b in itertools.pairwise(values))
    if not differences:
        return 0.0
    middle = len(differences) // 2
    median = (
        differences[middle] if len(differences) % 2 else (differences[middle - 1] + differences[middle]) / 2
    )
    return median / (0.6745 * math.sqrt(2))


def _cost(values: Sequence[float]) -> Any:
    """ruptures' least-squares cost, from running sums: O(1) a segment instead of a variance over it (ruptures'
    own `l2` cost spent about 0.1 s a series in numpy's var)."""
    from ruptures.base import BaseCost

    class RunningL2(BaseCost):  # type: ignore[misc]
        model = "running_l2"
        min_size = 1

        def fit(self, signal: Any) -> RunningL2:
            self.signal = signal
            self.sums, self.squares = [0.0], [0.0]
            for value in values:
                self.sums.append(self.sums[-1] + value)
                self.squares.append(self.squares[-1] + value * value)
            return self

        def error(self, start: int, end: int) -> float:
            total = self.sums[end] - self.sums[start]
            return self.squares[end] - self.squares[start] - total * total / (end - start)

    return RunningL2()


def change_points(values: Sequence[float], min_size: int = MIN_WEEKS) -> list[int]:
    """The indices where a new regime starts (0 < i < len), earliest first; none for a short or flat series."""
    if len(values) < 2 * min_size:
        return []
    sigma = noise_scale(values)
    if sigma == 0:
        return []
    import numpy as np  # loaded on first use, with ruptures
    import ruptures

    signal = np.asarray(values, dtype=float).reshape(-1, 1)
    penalty = PENALTY * sigma**2 * math.log(len(values))
    search = ruptures.Binseg(custom_cost=_cost(values), min_size=min_size, jump=1)
    ends = search.fit(signal).predict(pen=penalty)
    return [int(end) for end in ends if 0 < end < len(values)]
