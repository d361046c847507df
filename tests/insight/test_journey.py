"""The journey view: scores per stage × channel, the relationship beside its touchpoints, and the events that
come before detractor answers more often than before promoter answers."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.orm import Session

from tests.factories import Tenant, event, feedback, make_tenant, post


def load(http: httpx.Client, tenant: Tenant, path: str, items: list[dict[str, Any]]) -> None:
    for start in range(0, len(items), 1000):
        reply = post(http, tenant, f"/api/v1/{path}/batch", {"items": items[start : start + 1000]})
        assert reply.status_code == 201, reply.text


def test_scores_per_stage_and_channel_and_the_whole_beside_its_parts(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    rows = [feedback(nps=10, lifecycle_stage="support", channel="phone", touchpoint="call") for _ in range(4)]
    rows += [
        feedback(nps=0, lifecycle_stage="purchase", channel="web", touchpoint="checkout") for _ in range(4)
    ]
    rows += [feedback(nps=9, lifecycle_stage="loyalty", channel="email", touchpoint=None) for _ in range(3)]
    rows += [
        feedback(nps=3, lifecycle_stage="loyalty", channel="email", touchpoint="relationship")
        for _ in range(1)
    ]
    load(http, tenant, "feedback", rows)
    grid = http.get("/api/v1/journey/grid", headers=tenant.headers()).json()
    cells = {(g["keys"]["lifecycle_stage"], g["keys"]["channel"]): g["value"] for g in grid}
    assert cells == {("support", "phone"): 100.0, ("purchase", "web"): -100.0, ("loyalty", "email"): 50.0}
    whole = http.get("/api/v1/journey/whole", headers=tenant.headers()).json()
    assert whole["relationship"]["value"] == 50.0 and whole["relationship"]["n"] == 4
    assert whole["touchpoint_mean"] == 0.0 and whole["difference"] == 50.0


def test_events_that_precede_detractors_more_than_promoters_are_found(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    answers, events = [], []
    for i in range(120):
        email = f"c{i}@x.com"
        unhappy = i % 2 == 0
        answers.append(
            feedback(nps=2 if unhappy else 10, received_at="2025-03-20T10:00:00Z", customer={"email": email})
        )
        events.append(
            event(type="order_delivered", occurred_at="2025-03-10T10:00:00Z", customer={"email": email})
        )
        if unhappy:
            events.append(
                event(type="delivery_late", occurred_at="2025-03-12T10:00:00Z", customer={"email": email})
            )
        events.append(
            event(type="ticket_opened", occurred_at="2024-12-01T10:00:00Z", customer={"email": email})
        )
    load(http, tenant, "feedback", answers)
    load(http, tenant, "events", events)
    found = http.get("/api/v1/journey/precursors", params={"days": 30}, headers=tenant.headers()).json()
    by_type = {f["key"]: f for f in found}
    assert by_type["delivery_late"]["significant"] and by_type["delivery_late"]["difference"] == 100.0
    assert not by_type["order_delivered"]["significant"] and by_type["order_delivered"]["difference"] == 0.0
    assert "ticket_opened" not in by_type
    assert found[0]["key"] == "delivery_late"
    bad = http.get("/api/v1/journey/precursors", params={"by": "weather"}, headers=tenant.headers())
    assert bad.status_code == 422


def test_each_precursor_share_drills_down_to_the_answers_it_preceded(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    answers, events = [], []
    for i in range(12):
        email = f"d{i}@x.com"
        answers.append(
            feedback(nps=1 if i < 8 else 9, received_at="2025-03-20T10:00:00Z", customer={"email": email})
        )
        if i % 2 == 0:
            late = "2025-03-15T10:00:00Z" if i < 10 else "2025-01-01T10:00:00Z"  # 78 days before: outside
            events.append(event(type="delivery_late", occurred_at=late, customer={"email": email}))
    load(http, tenant, "feedback", answers)
    load(http, tenant, "events", events)
    found = http.get("/api/v1/journey/precursors", params={"days": 30}, headers=tenant.headers()).json()
    (late,) = found
    assert (late["detractors"], late["promoters"]) == (4, 1)
    behind = http.get(late["detractor_records"], headers=tenant.headers()).json()
    assert behind["total"] == 4 and all(r["nps"] <= 6 for r in behind["items"])
    assert http.get(late["promoter_records"], headers=tenant.headers()).json()["total"] == 1
    wider = http.get(
        "/api/v1/records",
        params={"preceded_by": "type:delivery_late", "within_days": 90},
        headers=tenant.headers(),
    ).json()
    assert wider["total"] == 6


def test_a_malformed_preceding_event_is_refused_with_the_field_named(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    for params, field in (
        ({"preceded_by": "weather:rain"}, "preceded_by"),
        ({"preceded_by": "type:"}, "preceded_by"),
        ({"preceded_by": "type:delivery_late", "within_days": 0}, "within_days"),
    ):
        reply = http.get("/api/v1/records", params=params, headers=tenant.headers())
        assert reply.status_code == 422, params
        assert field in reply.text
