"""Key drivers on real data (issue 6): the airline passenger satisfaction set, 14 service ratings against
satisfied (1) / neutral or dissatisfied (0).

Compares voxpop's relative weights and fast exact Shapley (R² of every subset from the correlation matrix)
with the baseline: exact Shapley by brute force, refitting OLS (numpy.linalg.lstsq, with an intercept) on the
raw rows for every one of the 2^14 predictor subsets. Prints the rankings side by side, Spearman and Kendall
rank correlations against the baseline, and the wall time of each; writes the figures as JSON to --out.

A rating of 0 means "not applicable" in this set (its README): it is treated as missing, so a passenger with
any 0 is left out (complete cases, as key_drivers does for any missing value); the rows kept are reported.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/drivers.py --out /tmp/drivers.json

Run by hand, not in the tests: the baseline takes minutes.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import time
from collections.abc import Callable
from math import factorial
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from voxpop.insight import drivers

DATA = Path(__file__).resolve().parents[2] / "shared/data/airline_passenger_satisfaction"
RATINGS = [
    "Departure and Arrival Time Convenience",
    "Ease of Online Booking",
    "Check-in Service",
    "Online Boarding",
    "Gate Location",
    "On-board Service",
    "Seat Comfort",
    "Leg Room Service",
    "Cleanliness",
    "Food and Drink",
    "In-flight Service",
    "In-flight Wifi Service",
    "In-flight Entertainment",
    "Baggage Handling",
]
OUTCOME = "Satisfaction"
SATISFIED = "Satisfied"
T = TypeVar("T")


def load(path: Path) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The 14 ratings (0 = not applicable → NaN) and the outcome (1 = satisfied) of every row."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    ratings = np.array([[float(row[name]) for name in RATINGS] for row in rows])
    ratings[ratings == 0] = np.nan
    outcome = np.array([1.0 if row[OUTCOME] == SATISFIED else 0.0 for row in rows])
    return ratings, outcome


def timed(work: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


def ols_r_squared(y: NDArray[np.float64], x: NDArray[np.float64]) -> float:
    design = np.column_stack([np.ones(len(y)), x])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coef
    centred = y - y.mean()
    return float(1.0 - residual @ residual / (centred @ centred))


def brute_force_shapley(y: NDArray[np.float64], x: NDArray[np.float64]) -> NDArray[np.float64]:
    """The definition, with nothing shared with voxpop: R² of each subset refitted on the raw rows, then
    φ_j = Σ_{S ∌ j} |S|!(p−|S|−1)!/p! · (R²(S∪j) − R²(S))."""
    p = x.shape[1]
    fits = [0.0] + [
        ols_r_squared(y, x[:, [j for j in range(p) if mask >> j & 1]]) for mask in range(1, 1 << p)
    ]
    values = np.zeros(p)
    for mask, fit in enumerate(fits):
        size = bin(mask).count("1")
        for j in range(p):
            if not mask >> j & 1:
                weight = factorial(size) * factorial(p - size - 1) / factorial(p)
                values[j] += weight * (fits[mask | 1 << j] - fit)
    return values


def point_estimates(data: NDArray[np.float64]) -> dict[str, tuple[NDArray[np.float64], float]]:
    """Each method's shares of R² on all complete rows, with its wall time (correlations included)."""
    return {
        "relative_weights": timed(lambda: drivers.decompose(data, "relative_weights")),
        "shapley_fast": timed(lambda: drivers.decompose(data, "shapley")),
        "shapley_brute_force": timed(lambda: brute_force_shapley(data[:, -1], data[:, :-1])),
    }


def with_intervals(
    ratings: NDArray[np.float64], outcome: NDArray[np.float64], resamples: int, seed: int
) -> dict[str, tuple[drivers.DriverAnalysis, float]]:
    """The full key_drivers call (complete cases, point estimate and bootstrap intervals), timed."""
    columns = {name: ratings[:, j] for j, name in enumerate(RATINGS)}
    scales = dict.fromkeys(RATINGS, (1.0, 5.0))
    return {
        method: timed(
            lambda m=method: drivers.key_drivers(outcome, columns, m, resamples, seed, scales=scales)
        )
        for method in ("relative_weights", "shapley")
    }


def ranks(values: NDArray[np.float64]) -> list[int]:
    return [int(r) for r in stats.rankdata(-values, method="min")]


def compare(points: dict[str, tuple[NDArray[np.float64], float]]) -> dict[str, Any]:
    baseline = points["shapley_brute_force"][0]
    return {
        method: {
            "spearman": float(stats.spearmanr(values, baseline).statistic),
            "kendall": float(stats.kendalltau(values, baseline).statistic),
            "max_abs_difference": float(np.abs(values - baseline).max()),
            "seconds": seconds,
        }
        for method, (values, seconds) in points.items()
        if method != "shapley_brute_force"
    }


def print_table(points: dict[str, tuple[NDArray[np.float64], float]]) -> None:
    rw, fast, brute = (points[m][0] for m in ("relative_weights", "shapley_fast", "shapley_brute_force"))
    total = brute.sum()
    print(
        "| rating | brute-force Shapley (% R², rank) | fast Shapley (% R², rank) | relative weights (% R², rank) |"
    )
    print("|---|---|---|---|")
    rank = {"rw": ranks(rw), "fast": ranks(fast), "brute": ranks(brute)}
    for j in np.argsort(-brute, kind="stable"):
        print(
            f"| {RATINGS[j]} | {100 * brute[j] / total:.2f} ({rank['brute'][j]}) | "
            f"{100 * fast[j] / fast.sum():.2f} ({rank['fast'][j]}) | {100 * rw[j] / rw.sum():.2f} ({rank['rw'][j]}) |"
        )


def print_summary(report: dict[str, Any]) -> None:
    print(
        f"\nrows {report['rows']}, complete (no 0 = n/a rating) {report['n']}, R² {report['r_squared']:.6f}"
    )
    print(
        "| method | wall time (s) | Spearman vs brute force | Kendall vs brute force | max abs diff (R² units) |"
    )
    print("|---|---|---|---|---|")
    print(
        f"| brute-force exact Shapley (2^14 lstsq refits) | {report['seconds']['shapley_brute_force']:.3f} | – | – | – |"
    )
    for method, row in report["comparison"].items():
        print(
            f"| {method} | {row['seconds']:.4f} | {row['spearman']:.4f} | {row['kendall']:.4f} | "
            f"{row['max_abs_difference']:.3g} |"
        )
    for method, seconds in report["seconds_with_bootstrap"].items():
        print(f"| key_drivers({method}), {report['resamples']} bootstrap resamples | {seconds:.3f} | | | |")


def environment() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "cpus": os.cpu_count(),
        "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA / "airline_passenger_satisfaction.csv")
    parser.add_argument("--resamples", type=int, default=drivers.DEFAULT_RESAMPLES)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    ratings, outcome = load(args.data)
    complete = np.isfinite(ratings).all(axis=1)
    data = np.column_stack([ratings[complete], outcome[complete]])
    points = point_estimates(data)
    full = with_intervals(ratings, outcome, args.resamples, args.seed)
    report = {
        "data": str(args.data),
        "rows": len(outcome),
        "n": int(complete.sum()),
        "r_squared": float(points["shapley_brute_force"][0].sum()),
        "resamples": args.resamples,
        "seed": args.seed,
        "ratings": RATINGS,
        "shares": {method: values.tolist() for method, (values, _) in points.items()},
        "ranks": {method: ranks(values) for method, (values, _) in points.items()},
        "seconds": {method: seconds for method, (_, seconds) in points.items()},
        "seconds_with_bootstrap": {method: seconds for method, (_, seconds) in full.items()},
        "intervals": {
            method: {d.name: [d.low, d.high] for d in analysis.drivers}
            for method, (analysis, _) in full.items()
        },
        "comparison": compare(points),
        "environment": environment(),
    }
    print_table(points)
    print_summary(report)
    args.out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
