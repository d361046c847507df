"""What changed: each test checked against a hand computation or SciPy's own, and the scans through the API."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from scipy import stats
from sqlalchemy.orm import Session

from tests.factories import Tenant, feedback, make_tenant, post
from voxpop.insight import compare
from voxpop.insight.changes import last_complete_periods
from voxpop.kit import clock


def nps_sums(promoters: int, detractors: int, n: int) -> dict[str, Any]:
    return {"n": n, "promoters": promoters, "detractors": detractors}


def test_the_nps_difference_test_uses_the_product_definition_of_its_standard_error() -> None:
    result = compare.compare("nps", nps_sums(50, 20, 100), nps_sums(30, 30, 100), min_n=30)
    se_a = 100 * math.sqrt((0.5 + 0.2 - 0.3**2) / 100)
    se_b = 100 * math.sqrt((0.3 + 0.3 - 0.0**2) / 100)
    z = 30 / math.sqrt(se_a**2 + se_b**2)
    assert result.difference == pytest.approx(30.0)
    assert result.statistic == pytest.approx(z)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(z))
    assert result.low == pytest.approx(30 - 1.959964 * math.sqrt(se_a**2 + se_b**2), abs=1e-4)


def test_csat_shares_are_compared_by_a_two_proportion_z_test() -> None:
    result = compare.compare("csat", {"n": 200, "satisfied": 150}, {"n": 180, "satisfied": 117}, min_n=30)
    pooled = 267 / 380
    z = (0.75 - 0.65) / math.sqrt(pooled * (1 - pooled) * (1 / 200 + 1 / 180))
    assert result.difference == pytest.approx(10.0)
    assert result.statistic == pytest.approx(z)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(abs(z)))


def test_means_are_compared_by_welchs_t_test_like_scipy() -> None:
    a, b = [7, 6, 6, 5, 7, 4, 6], [3, 5, 2, 4, 4, 6, 3, 2, 5]
    sums = [{"n": len(x), "total": sum(x), "squares": sum(v * v for v in x)} for x in (a, b)]
    result = compare.compare("ces", sums[0], sums[1], min_n=30)
    expected = stats.ttest_ind(a, b, equal_var=False)
    assert result.statistic == pytest.approx(expected.statistic)
    assert result.p_value == pytest.approx(expected.pvalue)


def test_benjamini_hochberg_adjusts_like_the_hand_computation_and_skips_untested_groups() -> None:
    q = compare.benjamini_hochberg([0.01, 0.04, None, 0.03, 0.20])
    assert q[2] is None
    assert [round(v, 4) for v in q if v is not None] == [0.04, 0.0533, 0.0533, 0.2]


def test_too_few_answers_give_no_p_value_rather_than_a_wrong_one() -> None:
    result = compare.compare("nps", nps_sums(1, 0, 1), nps_sums(5, 5, 20), min_n=30)
    assert result.p_value is None and result.test == compare.NOT_ENOUGH


def test_the_last_complete_periods_are_calendar_periods_before_today() -> None:
    current, previous = last_complete_periods("month", datetime(2025, 3, 15).date())
    assert (str(current.start), str(current.end), str(previous.start)) == (
        "2025-02-01",
        "2025-03-01",
        "2025-01-01",
    )
    quarter, before = last_complete_periods("quarter", datetime(2025, 5, 2).date())
    assert (str(quarter.start), str(before.start)) == ("2025-01-01", "2024-10-01")
    week, _ = last_complete_periods("week", datetime(2025, 3, 12).date())
    assert str(week.start) == "2025-03-03"


def load(http: httpx.Client, tenant: Tenant, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 1000):
        items = [feedback(**row) for row in rows[start : start + 1000]]
        assert post(http, tenant, "/api/v1/feedback/batch", {"items": items}).status_code == 201


def answers(month: int, scores: list[int], region: str) -> list[dict[str, Any]]:
    return [
        {
            "nps": s,
            "received_at": f"2025-{month:02d}-1{i % 9}T10:00:00Z",
            "customer": {"email": f"{region}{month}-{i}@x.com", "attributes": {"region": region}},
        }
        for i, s in enumerate(scores)
    ]


def test_a_month_that_fell_is_found_significant_and_one_segment_is_singled_out(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    steady = [10, 9, 8, 7, 3] * 20
    rows = answers(9, steady, "south") + answers(9, steady, "north")
    rows += answers(10, steady, "south") + answers(10, [2, 3, 4, 9, 7] * 20, "north")
    load(http, tenant, rows)
    clock.set_clock(lambda: datetime(2025, 11, 15, tzinfo=UTC))
    headers = tenant.headers()
    period = http.get(
        "/api/v1/changes/period", params={"metric": "nps", "as_of": "2025-11-15"}, headers=headers
    ).json()
    assert (period["current"]["start"], period["previous"]["end"]) == ("2025-10-01", "2025-09-30")
    assert period["change"]["significant"] and period["change"]["difference"] < 0
    scan = http.get(
        "/api/v1/changes/movements",
        params={"metric": "nps", "fields": ["customer.region"], "as_of": "2025-11-15"},
        headers=headers,
    ).json()
    moved = {m["keys"]["customer.region"]: m for m in scan["movements"]}
    assert moved["north"]["significant"] and moved["north"]["difference"] == pytest.approx(-40 - 20)
    assert not moved["south"]["significant"] and moved["south"]["difference"] == pytest.approx(0)
    segments = http.get(
        "/api/v1/changes/segments",
        params={"metric": "nps", "field": "customer.region", "since": "2025-10-01", "until": "2025-10-31"},
        headers=headers,
    ).json()
    assert [s["keys"]["customer.region"] for s in segments if s["significant"]] == ["north", "south"]
    assert segments[0]["q_value"] >= segments[0]["p_value"]


def test_identical_answers_in_both_groups_give_a_certain_result_not_a_missing_one() -> None:
    result = compare.compare("nps", nps_sums(40, 0, 40), nps_sums(0, 40, 40), min_n=30)
    assert (result.difference, result.p_value) == (200.0, 0.0)


def test_out_of_range_dates_and_unknown_metrics_are_refused(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    far = http.get(
        "/api/v1/metrics", params={"metric": "nps", "until": "9999-12-31"}, headers=tenant.headers()
    )
    assert far.status_code == 422 and far.json()["error"]["message"] == "until is out of range"
    detect = http.post("/api/v1/insights/detect", params={"metric": "joy"}, headers=tenant.headers())
    assert detect.status_code == 422
    empty = http.get(
        "/api/v1/changes/segments",
        params={"metric": "nps", "field": "channel", "since": "2025-05-03", "until": "2025-05-01"},
        headers=tenant.headers(),
    )
    assert empty.status_code == 422
