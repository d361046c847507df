"""The metric definitions of docs/metrics.md, checked against values computed by hand."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voxpop.insight import metrics


def test_nps_and_its_standard_error_match_the_definition() -> None:
    estimate = metrics.nps(promoters=50, detractors=20, n=100, min_n=30)
    p, d = 0.5, 0.2
    se = 100 * math.sqrt((p + d - (p - d) ** 2) / 100)
    assert estimate.value == pytest.approx(30.0)
    assert estimate.low == pytest.approx(30 - 1.959964 * se, abs=1e-4)
    assert estimate.high == pytest.approx(30 + 1.959964 * se, abs=1e-4)
    assert estimate.reliable


def test_a_figure_below_the_minimum_n_is_marked_unreliable() -> None:
    assert not metrics.nps(5, 2, 10, min_n=30).reliable
    assert metrics.nps(0, 0, 0, min_n=30).value is None


def test_csat_is_the_top_two_box_share_with_a_wilson_interval() -> None:
    estimate = metrics.csat(satisfied=8, n=10, min_n=30)
    assert estimate.value == pytest.approx(80.0)
    assert estimate.low == pytest.approx(49.016, abs=0.01)
    assert estimate.high == pytest.approx(94.332, abs=0.01)


def test_ces_mean_has_a_t_interval() -> None:
    scores = [7, 6, 5, 6, 7, 4, 5, 6]
    total, squares = sum(scores), sum(s * s for s in scores)
    estimate = metrics.mean_t(total, squares, len(scores), min_n=30)
    assert estimate.value == pytest.approx(5.75)
    sd = 1.0350983
    assert estimate.high - estimate.value == pytest.approx(2.364624 * sd / math.sqrt(8), abs=1e-4)


@given(st.integers(0, 500), st.integers(0, 500), st.integers(0, 500))
def test_nps_always_lies_in_its_bounds_and_inside_its_interval(
    promoters: int, detractors: int, passives: int
) -> None:
    n = promoters + detractors + passives
    estimate = metrics.nps(promoters, detractors, n, min_n=30)
    if n == 0:
        assert estimate.value is None
        return
    assert estimate.value is not None and estimate.low is not None and estimate.high is not None
    assert -100 <= estimate.low <= estimate.value <= estimate.high <= 100


def test_the_95_percent_nps_interval_covers_the_truth_about_95_percent_of_the_time() -> None:
    rng = random.Random(2026)
    shares = (0.45, 0.30, 0.25)
    truth = 100 * (shares[0] - shares[2])
    covered = 0
    for _ in range(2000):
        answers = rng.choices(("promoter", "passive", "detractor"), weights=shares, k=400)
        estimate = metrics.nps(answers.count("promoter"), answers.count("detractor"), 400, min_n=30)
        assert estimate.low is not None and estimate.high is not None
        covered += estimate.low <= truth <= estimate.high
    assert 0.93 <= covered / 2000 <= 0.97
