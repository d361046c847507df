"""SLA clocks, on a clock the test moves: a warning once 80 % of a window has gone, a breach at its end,
announced by webhook to a real receiver; priority and overrides shorten windows; contact stops the first
clock."""

from __future__ import annotations

import json

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.case.factories import call, customer, make_desk, move, open_case, record
from tests.delivery.factories import Clock, http_receiver, run_jobs, settings
from tests.factories import Tenant

pytestmark = pytest.mark.usefixtures("background_jobs_paused")
HOUR = 3600


def inbox(http: httpx.Client, admin: Tenant, **filters: str) -> list[str]:
    query = "&".join(f"{name}={value}" for name, value in filters.items())
    return [c["id"] for c in call(http, admin, "GET", f"/api/v1/cases?{query}")]


def kinds(http: httpx.Client, admin: Tenant, case_id: str) -> list[str]:
    return [e["kind"] for e in call(http, admin, "GET", f"/api/v1/cases/{case_id}")["events"]]


def test_a_case_is_warned_at_80_percent_of_its_first_contact_window_and_breached_at_its_end(
    http: httpx.Client, session: Session
) -> None:
    clock = Clock()
    desk = make_desk(session)
    case_id = open_case(http, desk.admin, record(http, desk.admin, customer=customer()))["id"]
    clock.advance(38 * HOUR)
    run_jobs()
    assert kinds(http, desk.admin, case_id) == ["opened"]
    clock.advance(0.5 * HOUR)
    run_jobs()
    assert kinds(http, desk.admin, case_id) == ["opened", "sla_warning"]
    assert inbox(http, desk.admin, sla="due_soon") == [case_id]
    assert inbox(http, desk.admin, sla="breached") == []
    clock.advance(10 * HOUR)
    run_jobs()
    case = call(http, desk.admin, "GET", f"/api/v1/cases/{case_id}")
    assert [e["kind"] for e in case["events"]] == ["opened", "sla_warning", "sla_breached"]
    assert case["first_contact_breached_at"] is not None and case["resolution_warned_at"] is None
    assert inbox(http, desk.admin, sla="breached") == [case_id]
    assert inbox(http, desk.admin, sla="due_soon") == []


def test_contacting_the_customer_in_time_stops_the_first_contact_clock(
    http: httpx.Client, session: Session
) -> None:
    clock = Clock()
    desk = make_desk(session)
    case_id = open_case(http, desk.admin, record(http, desk.admin, customer=customer()))["id"]
    clock.advance(10 * HOUR)
    move(http, desk.admin, case_id, "contacted")
    clock.advance(60 * HOUR)
    run_jobs()
    assert kinds(http, desk.admin, case_id) == ["opened", "status"]
    clock.advance(70 * HOUR)  # 140 h: past 80 % of the 168 h resolution window
    run_jobs()
    case = call(http, desk.admin, "GET", f"/api/v1/cases/{case_id}")
    assert case["first_contact_warned_at"] is None and case["first_contact_breached_at"] is None
    assert case["resolution_warned_at"] is not None and case["resolution_breached_at"] is None


def test_urgent_cases_get_a_quarter_of_the_window_and_a_rule_override_wins(
    http: httpx.Client, session: Session
) -> None:
    clock = Clock()
    desk = make_desk(session)
    urgent = open_case(http, desk.admin, record(http, desk.admin, customer=customer()), priority="urgent")
    overridden = open_case(
        http,
        desk.admin,
        record(http, desk.admin, customer=customer()),
        first_contact_hours=2,
        resolution_hours=24,
    )

    def hours(case: dict[str, str], field: str) -> float:
        from datetime import datetime

        return (
            datetime.fromisoformat(case[field]) - datetime.fromisoformat(case["opened_at"])
        ).total_seconds() / HOUR

    assert (hours(urgent, "first_contact_due"), hours(urgent, "resolution_due")) == (12, 42)
    assert (hours(overridden, "first_contact_due"), hours(overridden, "resolution_due")) == (2, 24)
    clock.advance(2 * HOUR)
    run_jobs()
    assert inbox(http, desk.admin, sla="breached") == [overridden["id"]]


def test_the_sla_policy_is_the_admins_and_applies_to_cases_opened_after_it(
    http: httpx.Client, session: Session
) -> None:
    desk = make_desk(session)
    agent = desk.agent()
    before = open_case(http, desk.admin, record(http, desk.admin, customer=customer()))
    call(http, agent, "PUT", "/api/v1/case-sla", 403, first_contact_hours=24)
    policy = call(http, desk.admin, "PUT", "/api/v1/case-sla", first_contact_hours=24, warn_at_percent=50)
    assert policy["first_contact_hours"] == 24 and policy["resolution_hours"] == 168
    assert call(http, agent, "GET", "/api/v1/case-sla") == policy
    after = open_case(http, desk.admin, record(http, desk.admin, customer=customer()))
    assert (
        call(http, desk.admin, "GET", f"/api/v1/cases/{before['id']}")["first_contact_due"]
        == before["first_contact_due"]
    )
    assert after["first_contact_due"] < before["first_contact_due"]
    error = call(http, desk.admin, "PUT", "/api/v1/case-sla", 422, first_contact_hours=0)["error"]
    assert error["problems"][0]["field"] == "first_contact_hours"


def test_case_events_reach_a_real_webhook_receiver_through_a_failure_and_a_timeout(
    http: httpx.Client, session: Session
) -> None:
    clock = Clock()
    desk = make_desk(session)
    with settings(webhook_timeout_seconds=0.5), http_receiver(500, "stall") as receiver:
        receiver.stall_seconds = 1.5
        endpoint = call(
            http, desk.admin, "POST", "/api/v1/webhooks", 201, url=receiver.url, event_types=["case.*"]
        )
        case_id = open_case(http, desk.admin, record(http, desk.admin, customer=customer()))["id"]
        run_jobs()  # answered 500
        for _ in range(2):  # then no answer in time, then accepted
            clock.advance(HOUR)
            run_jobs()
        move(http, desk.admin, case_id, "contacted")
        clock.advance(200 * HOUR)  # past the resolution window
        run_jobs()
    (opened,) = call(http, desk.admin, "GET", f"/api/v1/webhooks/{endpoint['id']}/deliveries?status=sent")[
        -1:
    ]
    assert opened["event_type"] == "case.opened" and opened["attempts"] == 3
    assert [a["status_code"] for a in opened["attempt_log"]] == [500, None, 200]
    assert opened["attempt_log"][1]["error"] == "no answer within 0.5 s"
    ids = {r.headers["webhook-id"] for r in receiver.received if json.loads(r.body)["type"] == "case.opened"}
    assert ids == {opened["id"]}  # the same id on every try: the receiver can drop repeats
    bodies = [json.loads(r.body) for r in receiver.received]
    assert [b["type"] for b in bodies][3:] == ["case.status_changed", "case.sla_breached"]
    breach = bodies[-1]["data"]
    assert breach["case"]["id"] == case_id and breach["clock"] == "resolution"
