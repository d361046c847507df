"""Insight rules: a detected insight (here an NPS week out of its control limits) is tested against the
workspace's insight rules as it is stored; each rule acts once per insight, however often it is detected."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy.orm import Session

from tests.factories import Tenant, feedback, make_tenant, post
from tests.rule.factories import create_rule, matches

AS_OF = {"metric": "nps", "period": "week", "as_of": "2025-03-12"}


def weeks(first_monday: date, count: int, scores: list[int], channel: str) -> list[dict[str, Any]]:
    days = [first_monday + timedelta(weeks=week, days=2) for week in range(count)]
    return [
        feedback(nps=s, channel=channel, text=None, received_at=f"{day.isoformat()}T10:00:00Z")
        for day in days
        for s in scores
    ]


def email_nps_falls(http: httpx.Client, tenant: Tenant) -> None:
    steady = [10, 10, 9, 8, 7, 3] * 10
    rows = weeks(date(2025, 1, 6), 8, steady, "email") + weeks(date(2025, 1, 6), 9, steady, "web")
    rows += weeks(date(2025, 3, 3), 1, [2, 3, 5, 0, 9, 8] * 10, "email")
    for start in range(0, len(rows), 1000):
        assert (
            post(http, tenant, "/api/v1/feedback/batch", {"items": rows[start : start + 1000]}).status_code
            == 201
        )


def test_an_insight_rule_acts_once_on_each_insight_it_matches(session: Session, http: httpx.Client) -> None:
    tenant = make_tenant(session)
    webhook = [{"type": "notify_webhook"}]
    email_only = create_rule(
        http,
        tenant,
        name="Email NPS",
        subject="insight",
        conditions={"kinds": ["metric_out_of_control"], "metrics": ["nps"], "where": {"channel": ["email"]}},
        actions=webhook,
    )
    web_only = create_rule(
        http,
        tenant,
        name="Web",
        subject="insight",
        conditions={"where": {"channel": ["web"]}},
        actions=webhook,
    )
    email_nps_falls(http, tenant)
    found = http.post("/api/v1/insights/detect", params=AS_OF, headers=tenant.headers()).json()
    email = next(i for i in found if i["segment"] == {"channel": "email"})
    http.post("/api/v1/insights/detect", params=AS_OF, headers=tenant.headers())
    (match,) = matches(http, tenant, email_only["id"])
    assert match["insight_id"] == email["id"] and match["feedback_id"] is None
    assert match["matched"] == ["kind: metric_out_of_control", "metric: nps", "where channel: email"]
    assert matches(http, tenant, web_only["id"]) == []
    dry = http.post(f"/api/v1/rules/{email_only['id']}/dry-run", headers=tenant.headers()).json()
    assert (dry["checked"], dry["matched"]) == (len(found), 1)
    assert dry["examples"][0]["id"] == email["id"]
