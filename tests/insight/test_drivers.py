"""Key drivers (docs/metrics.md, "Key drivers"): shares of R² by relative weights and Shapley value regression,
checked against the definitions computed here by refitting least squares on every subset."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import combinations
from math import factorial

import numpy as np
import pytest

from voxpop.insight import drivers
from voxpop.insight.priority_chart import priority_matrix
from voxpop.kit.errors import Invalid

SVG = "{http://www.w3.org/2000/svg}"


def _correlated_data(n: int = 600, seed: int = 7) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """y = 3·x1 + 1·x2 + 0·x3 + noise, with x1 and x2 correlated (ρ ≈ 0.6)."""
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = 0.6 * x1 + 0.8 * rng.normal(size=n)
    x3 = rng.normal(size=n)
    y = 3 * x1 + 1 * x2 + 2.0 * rng.normal(size=n)
    return y, {"x1": x1, "x2": x2, "x3": x3}


def _ols_r_squared(y: np.ndarray, x: np.ndarray) -> float:
    design = np.column_stack([np.ones(len(y)), x])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coef
    centred = y - y.mean()
    return float(1 - residual @ residual / (centred @ centred))


def _brute_force_shapley(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """φ_j = Σ_{S ∌ j} |S|!(p−|S|−1)!/p! · (R²(S∪j) − R²(S)), every R² refitted on the raw rows."""
    p = x.shape[1]
    fits = {
        subset: (_ols_r_squared(y, x[:, list(subset)]) if subset else 0.0)
        for size in range(p + 1)
        for subset in combinations(range(p), size)
    }
    values = np.zeros(p)
    for j in range(p):
        for subset, fit in fits.items():
            if j not in subset:
                weight = factorial(len(subset)) * factorial(p - len(subset) - 1) / factorial(p)
                values[j] += weight * (fits[tuple(sorted((*subset, j)))] - fit)
    return values


@pytest.mark.parametrize("method", ["relative_weights", "shapley"])
def test_both_methods_rank_the_strongest_predictor_first_and_the_null_one_last(
    method: drivers.Method,
) -> None:
    y, predictors = _correlated_data()
    analysis = drivers.key_drivers(y, predictors, method=method, resamples=50)
    assert [d.name for d in analysis.drivers] == ["x1", "x2", "x3"]
    assert [d.rank for d in analysis.drivers] == [1, 2, 3]


@pytest.mark.parametrize("method", ["relative_weights", "shapley"])
def test_shares_sum_to_the_r_squared_of_the_full_least_squares_fit(method: drivers.Method) -> None:
    y, predictors = _correlated_data()
    analysis = drivers.key_drivers(y, predictors, method=method, resamples=10)
    full_fit = _ols_r_squared(y, np.column_stack(list(predictors.values())))
    assert sum(d.importance for d in analysis.drivers) == pytest.approx(full_fit, abs=1e-9)
    assert analysis.r_squared == pytest.approx(full_fit, abs=1e-9)
    assert sum(d.percent for d in analysis.drivers) == pytest.approx(100.0, abs=1e-9)


def test_shapley_values_equal_the_brute_force_definition_over_refitted_subsets() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(300, 5))
    x[:, 1] += 0.7 * x[:, 0]
    x[:, 4] -= 0.5 * x[:, 2]
    y = x @ np.array([1.0, 0.5, -0.8, 0.0, 0.3]) + rng.normal(size=300)
    corr = drivers.correlations(np.column_stack([x, y]))
    fast = drivers.shapley_values(corr[:-1, :-1], corr[:-1, -1])
    np.testing.assert_allclose(fast, _brute_force_shapley(y, x), rtol=0, atol=1e-9)


def test_every_subset_r_squared_matches_a_refitted_least_squares() -> None:
    rng = np.random.default_rng(4)
    x = rng.normal(size=(200, 4)) + rng.normal(size=(200, 1))
    y = x.sum(axis=1) + rng.normal(size=200)
    corr = drivers.correlations(np.column_stack([x, y]))
    table = drivers.subset_r_squared(corr[:-1, :-1], corr[:-1, -1])
    for mask in range(1, 16):
        columns = [j for j in range(4) if mask >> j & 1]
        assert table[mask] == pytest.approx(_ols_r_squared(y, x[:, columns]), abs=1e-10)


def test_relative_weights_equal_shapley_values_for_uncorrelated_predictors() -> None:
    """With R_xx = I both reduce to the squared correlations r_jy²."""
    rng = np.random.default_rng(5)
    noise = rng.normal(size=(400, 4))
    x = np.linalg.qr(noise - noise.mean(axis=0))[0]
    y = x @ np.array([4.0, 2.0, 1.0, 0.0]) + 0.05 * rng.normal(size=400)
    corr = drivers.correlations(np.column_stack([x, y]))
    rxx, rxy = corr[:-1, :-1], corr[:-1, -1]
    np.testing.assert_allclose(rxx, np.eye(4), atol=1e-12)
    weights, shapley = drivers.relative_weights(rxx, rxy), drivers.shapley_values(rxx, rxy)
    np.testing.assert_allclose(weights, shapley, atol=1e-12)
    np.testing.assert_allclose(weights, rxy**2, atol=1e-12)


def test_bootstrap_intervals_contain_the_estimate_and_repeat_with_the_same_seed() -> None:
    y, predictors = _correlated_data()
    first = drivers.key_drivers(y, predictors, resamples=200, seed=11)
    again = drivers.key_drivers(y, predictors, resamples=200, seed=11)
    other = drivers.key_drivers(y, predictors, resamples=200, seed=12)
    assert first == again
    assert first != other
    for driver in first.drivers:
        assert driver.low <= driver.importance <= driver.high
        assert driver.percent_low <= driver.percent <= driver.percent_high


def test_rows_with_a_missing_value_are_left_out_and_counted() -> None:
    y, predictors = _correlated_data()
    predictors["x2"] = predictors["x2"].copy()
    predictors["x2"][:25] = np.nan
    with_gaps = [None if i < 5 else float(v) for i, v in enumerate(y)]
    analysis = drivers.key_drivers(with_gaps, predictors, resamples=5)
    assert analysis.n == len(y) - 25
    assert analysis.n_excluded == 25


def test_a_constant_predictor_is_dropped_with_a_reason() -> None:
    y, predictors = _correlated_data()
    predictors["always_five"] = np.full(len(y), 5.0)
    analysis = drivers.key_drivers(y, predictors, resamples=5)
    assert [d.name for d in analysis.dropped] == ["always_five"]
    assert "constant" in analysis.dropped[0].reason
    assert {d.name for d in analysis.drivers} == {"x1", "x2", "x3"}


def test_only_constant_predictors_or_a_constant_outcome_are_refused() -> None:
    with pytest.raises(Invalid, match="every predictor is constant"):
        drivers.key_drivers([1.0, 2.0, 3.0, 4.0], {"a": [1, 1, 1, 1]}, resamples=5)
    with pytest.raises(Invalid, match="outcome is constant"):
        drivers.key_drivers([2.0, 2.0, 2.0, 2.0], {"a": [1, 2, 3, 4]}, resamples=5)


def test_fewer_rows_than_predictors_plus_two_is_a_clear_error() -> None:
    with pytest.raises(Invalid, match="3 predictors need at least 5 complete rows; got 4"):
        drivers.key_drivers([1, 2, 3, 4], {"a": [1, 2, 3, 5], "b": [2, 1, 4, 3], "c": [0, 1, 1, 0]})


def test_a_predictor_of_the_wrong_length_is_named() -> None:
    with pytest.raises(Invalid) as error:
        drivers.key_drivers([1, 2, 3, 4, 5], {"a": [1, 2, 3, 4, 5], "b": [1, 2]})
    assert [p.field for p in error.value.problems] == ["b"]


def test_too_many_predictors_for_exact_shapley_points_to_relative_weights() -> None:
    rng = np.random.default_rng(0)
    predictors = {f"q{j}": rng.normal(size=40) for j in range(drivers.MAX_SHAPLEY_PREDICTORS + 1)}
    with pytest.raises(Invalid, match="use relative weights"):
        drivers.key_drivers(rng.normal(size=40), predictors, method="shapley", resamples=1)


def test_a_binary_outcome_uses_the_linear_probability_r_squared() -> None:
    y, predictors = _correlated_data()
    satisfied = (y > 0).astype(float)
    analysis = drivers.key_drivers(satisfied, predictors, method="shapley", resamples=5)
    assert analysis.binary_outcome
    full_fit = _ols_r_squared(satisfied, np.column_stack(list(predictors.values())))
    assert analysis.r_squared == pytest.approx(full_fit, abs=1e-9)
    assert analysis.drivers[0].name == "x1"


def test_performance_is_the_mean_rescaled_to_the_given_scale() -> None:
    rng = np.random.default_rng(2)
    rating = rng.integers(1, 6, size=100).astype(float)
    mention = rng.integers(0, 2, size=100).astype(float)
    y = rating + rng.normal(size=100)
    analysis = drivers.key_drivers(
        y, {"rating": rating, "theme": mention}, resamples=5, scales={"rating": (1, 5)}
    )
    by_name = {d.name: d for d in analysis.drivers}
    assert by_name["rating"].performance == pytest.approx(rating.mean())
    assert by_name["rating"].performance_scaled == pytest.approx(100 * (rating.mean() - 1) / 4)
    assert by_name["theme"].performance_scaled == pytest.approx(100 * mention.mean())


def test_priority_matrix_is_valid_svg_with_one_point_per_driver() -> None:
    y, predictors = _correlated_data()
    predictors["Food & drink <good>"] = np.random.default_rng(1).normal(size=len(y))
    analysis = drivers.key_drivers(y, predictors, resamples=20)
    svg = ET.fromstring(priority_matrix(analysis, "What drives satisfaction"))
    assert svg.find(f"{SVG}title") is not None and svg.find(f"{SVG}desc") is not None
    points = svg.findall(f".//{SVG}g[@class='driver']")
    assert len(points) == len(analysis.drivers) == 4
    assert all(point.find(f"{SVG}circle") is not None for point in points)
    labels = {text.text for text in svg.iter(f"{SVG}text")}
    assert {"x1", "x2", "x3", "Food & drink <good>"} <= labels


def test_no_complete_rows_is_a_clear_error() -> None:
    with pytest.raises(Invalid, match="at least 3 complete rows"):
        drivers.key_drivers([1.0, None, 3.0], {"a": [None, 2.0, 3.0]})
