"""Key drivers: the share of an outcome's explained variance (R²) that each predictor accounts for.

docs/metrics.md asks for relative weights or Shapley value regression rather than raw regression coefficients,
because survey items are correlated: with correlated predictors a coefficient's size says little about how
much of the outcome the predictor explains, and coefficients can even flip sign. Both methods split the R² of
the least-squares fit of the outcome on all predictors into non-negative shares that sum to R²:

- **Relative weights** (Johnson 2000, "A heuristic method for estimating the relative weight of predictor
  variables in multiple regression", Multivariate Behavioral Research 35(1), 1–19): the predictors are replaced
  by their closest orthogonal counterparts Z (R_xx = P Λ P', Λ* = P Λ^½ P' holds the correlations between X
  and Z), the outcome is regressed on Z (β = Λ*⁻¹ r_xy) and each predictor gets ε_j = Σ_k λ*_jk² β_k².
  Fast for any number of predictors.
- **Shapley value regression** (Lipovetsky & Conklin 2001, Applied Stochastic Models in Business and Industry
  17, 319–330; the same as LMG, Lindeman, Merenda & Gold 1980, see Grömping 2006, J. Stat. Software 17(1)):
  φ_j = Σ_{S ⊆ N∖{j}} |S|! (p − |S| − 1)! / p! · (R²(S ∪ {j}) − R²(S)). Exact, over all 2^p subsets, so
  limited to MAX_SHAPLEY_PREDICTORS. R²(S) = r_S' R_SS⁻¹ r_S comes from the correlation matrix, so no
  subset is refitted on the raw rows.

Both work from the correlation matrix of the complete cases. A 0/1 outcome (satisfied yes/no) uses the same
least-squares decomposition: the R² is that of the linear probability model, not a pseudo-R² of a logit.
Exactly collinear predictors are handled with a pseudo-inverse (R² is that of the projection on their span).

Intervals are bootstrap percentile intervals (Efron & Tibshirani 1993, ch. 13): rows resampled with
replacement, the decomposition recomputed, the (1 − c)/2 and (1 + c)/2 quantiles taken. The shares are
bounded below by 0, so for a predictor that explains almost nothing the percentile interval sits above 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from math import factorial
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from voxpop.kit.errors import Invalid, Problem

Method = Literal["relative_weights", "shapley"]
Vector = NDArray[np.float64]
Matrix = NDArray[np.float64]

MAX_SHAPLEY_PREDICTORS = 15
DEFAULT_RESAMPLES = 200
# Eigenvalues below this share of the largest, and residual variances below it, are treated as 0:
# exact collinearity, or rounding noise.
EIGEN_TOLERANCE = 1e-10


@dataclass(frozen=True)
class Driver:
    """One predictor's share of R².

    importance: in R² units (the drivers' importances sum to the analysis's `r_squared`); percent: as % of R².
    low, high and percent_low, percent_high: the bootstrap percentile interval of each.
    rank: 1 = most important. performance: the predictor's mean over the analysed rows (for a 0/1 theme, the
    share mentioning it); performance_scaled: that mean on 0–100 of the predictor's scale, or the performance
    the caller gave for it (for a theme, the share of its mentions that are positive).
    """

    name: str
    importance: float
    percent: float
    low: float
    high: float
    percent_low: float
    percent_high: float
    rank: int
    performance: float
    performance_scaled: float


@dataclass(frozen=True)
class DroppedPredictor:
    name: str
    reason: str


@dataclass(frozen=True)
class DriverAnalysis:
    """The decomposition of R² over `n` complete rows; `drivers` are ordered by rank (1 = most important)."""

    method: Method
    r_squared: float
    n: int
    n_excluded: int
    binary_outcome: bool
    drivers: tuple[Driver, ...]
    dropped: tuple[DroppedPredictor, ...]
    resamples: int
    confidence: float
    seed: int


def correlations(data: Matrix) -> Matrix:
    """Pearson correlation matrix of the columns; a constant column is uncorrelated with everything.

    Bootstrap resamples of a rare theme or a binary outcome can be constant: they then explain nothing,
    instead of spreading NaN through the decomposition.
    """
    centred = data - data.mean(axis=0)
    scale = np.sqrt((centred**2).sum(axis=0))
    scale[np.ptp(data, axis=0) == 0] = np.inf
    standard = centred / scale
    corr: Matrix = standard.T @ standard
    np.fill_diagonal(corr, 1.0)
    return corr


def r_squared(rxx: Matrix, rxy: Vector) -> float:
    """R² of the least-squares fit on all predictors: r_xy' R_xx⁺ r_xy (pseudo-inverse by eigenvalues)."""
    values, basis = np.linalg.eigh(rxx)
    keep = values > EIGEN_TOLERANCE * values.max()
    return float(np.sum((basis[:, keep].T @ rxy) ** 2 / values[keep]))


def relative_weights(rxx: Matrix, rxy: Vector) -> Vector:
    """Johnson's (2000) relative weights ε_j = Σ_k λ*_jk² β_k²; they sum to R²."""
    values, basis = np.linalg.eigh(rxx)
    values = np.clip(values, 0.0, None)
    keep = values > EIGEN_TOLERANCE * values.max()
    root = (basis * np.sqrt(values)) @ basis.T
    beta = (basis[:, keep] / np.sqrt(values[keep])) @ (basis[:, keep].T @ rxy)
    weights: Vector = (root**2) @ (beta**2)
    return weights


def subset_r_squared(rxx: Matrix, rxy: Vector) -> Vector:
    """R² of every subset of predictors, indexed by bit mask (bit j set = predictor j in the subset).

    R²(S) = r_S' R_SS⁻¹ r_S = 1 − (the Schur complement of R_SS in the correlation matrix of S and y). The
    subsets are built up one predictor at a time, each child adding a predictor after its parent's last one,
    and the Schur complement of a child is one rank-one update of its parent's (a Cholesky / sweep step):
    C' = C − c_j c_j' / C_jj. All subsets of one size are updated together as one stacked array, so 2^14
    subsets take milliseconds. A pivot C_jj ≈ 0 means x_j lies in the span of S: it adds nothing.
    """
    p = len(rxy)
    table = np.zeros(1 << p)
    masks, last = np.zeros(1, dtype=np.int64), np.full(1, -1)
    residual = np.block([[rxx, rxy[:, None]], [rxy[None, :], np.ones((1, 1))]])[None]
    while len(masks):
        parent, added = np.nonzero(np.arange(p)[None, :] > last[:, None])
        column = residual[parent, :, added]
        pivot = column[np.arange(len(parent)), added]
        step = 1.0 / np.where(pivot > EIGEN_TOLERANCE, pivot, np.inf)
        residual = residual[parent] - step[:, None, None] * column[:, :, None] * column[:, None, :]
        masks, last = masks[parent] | (1 << added), added
        table[masks] = 1.0 - residual[:, p, p]
    return table


def shapley_from_subsets(table: Vector, p: int) -> Vector:
    """φ_j = Σ_{S ∌ j} |S|! (p − |S| − 1)! / p! · (v(S ∪ {j}) − v(S)) for a table v indexed by bit mask."""
    masks = np.arange(1 << p)
    sizes = ((masks[:, None] >> np.arange(p)) & 1).sum(axis=1)
    weight_of_size = np.array([factorial(s) * factorial(p - s - 1) for s in range(p)]) / factorial(p)
    values = np.empty(p)
    for j in range(p):
        without = masks[(masks >> j) & 1 == 0]
        gains = table[without | (1 << j)] - table[without]
        values[j] = float(np.sum(weight_of_size[sizes[without]] * gains))
    return values


def shapley_values(rxx: Matrix, rxy: Vector) -> Vector:
    """Exact Shapley value regression (LMG) from the correlation matrix; the values sum to R²."""
    p = len(rxy)
    if p > MAX_SHAPLEY_PREDICTORS:
        raise Invalid(
            f"exact Shapley regression is limited to {MAX_SHAPLEY_PREDICTORS} predictors (got {p}): "
            "use relative weights"
        )
    return shapley_from_subsets(subset_r_squared(rxx, rxy), p)


def decompose(data: Matrix, method: Method) -> Vector:
    """Shares of R² of the last column (outcome) explained by each other column (predictors)."""
    corr = correlations(data)
    return _shares(corr[:-1, :-1], corr[:-1, -1], method)


def _shares(rxx: Matrix, rxy: Vector, method: Method) -> Vector:
    return relative_weights(rxx, rxy) if method == "relative_weights" else shapley_values(rxx, rxy)


def bootstrap(
    data: Matrix, method: Method, resamples: int, rng: np.random.Generator
) -> tuple[Vector, Matrix]:
    """R² and the shares of each of `resamples` row resamples (drawn with replacement): (B,), (B, p)."""
    n = len(data)
    shares = np.empty((resamples, data.shape[1] - 1))
    for b in range(resamples):
        shares[b] = decompose(data[rng.integers(0, n, n)], method)
    totals: Vector = shares.sum(axis=1)
    return totals, shares


def _as_columns(outcome: ArrayLike, predictors: Mapping[str, ArrayLike]) -> tuple[list[str], Matrix]:
    """Predictors then the outcome as float columns; None becomes NaN (missing)."""
    if not predictors:
        raise Invalid("key drivers need at least one predictor")
    columns = [np.asarray(values, dtype=float) for values in [*predictors.values(), outcome]]
    n = len(columns[-1])
    wrong = [
        Problem(reason=f"has {len(c)} values, the outcome {n}", field=name)
        for name, c in zip(predictors, columns[:-1], strict=True)
        if c.ndim != 1 or len(c) != n
    ]
    if wrong or columns[-1].ndim != 1:
        raise Invalid("every predictor needs one value per outcome value", problems=wrong)
    return list(predictors), np.column_stack(columns)


def _usable(names: list[str], data: Matrix) -> tuple[list[str], Matrix, list[DroppedPredictor]]:
    """Drop constant predictors (they explain nothing and make R_xx singular) and check enough rows remain."""
    if len(data) < 3:
        raise Invalid(f"key drivers need at least 3 complete rows (one predictor + 2); got {len(data)}")
    constant = np.ptp(data[:, :-1], axis=0) == 0
    dropped = [
        DroppedPredictor(name, f"constant over the {len(data)} complete rows: it cannot explain any variance")
        for name, flat in zip(names, constant, strict=True)
        if flat
    ]
    kept = [name for name, flat in zip(names, constant, strict=True) if not flat]
    if not kept:
        raise Invalid("every predictor is constant over the complete rows: nothing can be explained")
    if len(data) < len(kept) + 2:
        raise Invalid(f"{len(kept)} predictors need at least {len(kept) + 2} complete rows; got {len(data)}")
    if np.ptp(data[:, -1]) == 0:
        raise Invalid("the outcome is constant over the complete rows: there is no variance to explain")
    return kept, data[:, [*np.flatnonzero(~constant), data.shape[1] - 1]], dropped


def _scaled(values: Vector, name: str, scales: Mapping[str, tuple[float, float]]) -> float:
    """Mean on 0–100 of the predictor's scale: (mean − low) / (high − low), the observed range by default."""
    low, high = scales.get(name, (float(values.min()), float(values.max())))
    return float(100.0 * (values.mean() - low) / (high - low))


def _check_options(method: Method, resamples: int, confidence: float) -> None:
    if method not in ("relative_weights", "shapley"):
        raise Invalid(f"unknown key-driver method {method!r}: use relative_weights or shapley")
    if resamples < 1:
        raise Invalid("the bootstrap needs at least one resample")
    if not 0.0 < confidence < 1.0:
        raise Invalid("the confidence level must lie strictly between 0 and 1")


def key_drivers(
    outcome: ArrayLike,
    predictors: Mapping[str, ArrayLike],
    method: Method = "relative_weights",
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    confidence: float = 0.95,
    scales: Mapping[str, tuple[float, float]] | None = None,
    performance: Mapping[str, float] | None = None,
) -> DriverAnalysis:
    """Relative importance of each predictor for the outcome, with bootstrap intervals and performance.

    Rows with a missing value (NaN/None) anywhere are left out (complete cases; `n_excluded` counts them).
    `scales` gives a predictor's possible (lowest, highest) value, e.g. (1, 5) for a rating, so that its
    mean is shown on 0–100; without it the observed range is used. `performance` gives a predictor's
    performance on 0–100 directly, when its mean is not one (a theme's mean is how often it is mentioned).
    """
    _check_options(method, resamples, confidence)
    names, data = _as_columns(outcome, predictors)
    complete = np.isfinite(data).all(axis=1)
    kept, data, dropped = _usable(names, data[complete])
    corr = correlations(data)
    shares = _shares(corr[:-1, :-1], corr[:-1, -1], method)
    total = r_squared(corr[:-1, :-1], corr[:-1, -1])
    totals, replicates = bootstrap(data, method, resamples, np.random.default_rng(seed))
    tails = [50.0 * (1.0 - confidence), 50.0 * (1.0 + confidence)]
    low, high = np.percentile(replicates, tails, axis=0)
    percents = 100.0 * replicates / np.where(totals > 0, totals, 1.0)[:, None]
    percent_low, percent_high = np.percentile(percents, tails, axis=0)
    order = np.argsort(-shares, kind="stable")
    drivers = [
        Driver(
            name=kept[j],
            importance=float(shares[j]),
            percent=float(100.0 * shares[j] / total) if total > 0 else 0.0,
            low=float(low[j]),
            high=float(high[j]),
            percent_low=float(percent_low[j]),
            percent_high=float(percent_high[j]),
            rank=rank,
            performance=float(data[:, j].mean()),
            performance_scaled=(performance or {}).get(kept[j], _scaled(data[:, j], kept[j], scales or {})),
        )
        for rank, j in enumerate(order, start=1)
    ]
    return DriverAnalysis(
        method=method,
        r_squared=total,
        n=len(data),
        n_excluded=int((~complete).sum()),
        binary_outcome=bool(np.isin(data[:, -1], (0.0, 1.0)).all()),
        drivers=tuple(drivers),
        dropped=tuple(dropped),
        resamples=resamples,
        confidence=confidence,
        seed=seed,
    )
