"""Emerging issues: a week whose NPS leaves its 3-sigma control limits becomes one stored insight with its
evidence; a week inside the limits does not; detecting again updates instead of duplicating."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.factories import Tenant, feedback, make_tenant, post
from voxpop.insight.emerging import control_limits


def weeks_of_answers(first_monday: date, weeks: int, scores: list[int], channel: str) -> list[dict[str, Any]]:
    rows = []
    for week in range(weeks):
        day = first_monday + timedelta(weeks=week, days=2)
        rows += [feedback(nps=s, channel=channel, received_at=f"{day.isoformat()}T10:00:00Z") for s in scores]
    return rows


def load(http: httpx.Client, tenant: Tenant, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 1000):
        assert (
            post(http, tenant, "/api/v1/feedback/batch", {"items": rows[start : start + 1000]}).status_code
            == 201
        )


def test_control_limits_follow_the_definition() -> None:
    limits = control_limits("nps", {"n": 400, "promoters": 200, "detractors": 80}, n=100, sigma=3)
    assert limits is not None
    se = 100 * ((0.5 + 0.2 - 0.09) / 100) ** 0.5
    assert limits.expected == pytest.approx(30.0)
    assert (limits.lower, limits.upper) == (pytest.approx(30 - 3 * se), pytest.approx(30 + 3 * se))


def test_a_week_out_of_its_limits_becomes_one_insight_with_evidence(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    steady = [10, 10, 9, 8, 7, 3] * 10
    rows = weeks_of_answers(date(2025, 1, 6), 8, steady, "email") + weeks_of_answers(
        date(2025, 1, 6), 9, steady, "web"
    )
    rows += weeks_of_answers(date(2025, 3, 3), 1, [2, 3, 5, 0, 9, 8] * 10, "email")
    load(http, tenant, rows)
    params = {"metric": "nps", "period": "week", "as_of": "2025-03-12"}
    found = http.post("/api/v1/insights/detect", params=params, headers=tenant.headers()).json()
    segments = sorted(str(i["segment"]) for i in found)
    assert segments == ["{'channel': 'email'}", "{}"]
    email = next(i for i in found if i["segment"] == {"channel": "email"})
    assert email["since"] == "2025-03-03" and "fell below its control limits" in email["title"]
    assert email["evidence"]["value"] < email["evidence"]["lower"] and email["evidence"]["n"] == 60
    again = http.post("/api/v1/insights/detect", params=params, headers=tenant.headers()).json()
    assert len(again) == 2
    assert len(http.get("/api/v1/insights", headers=tenant.headers()).json()) == 2
