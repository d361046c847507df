"""Figures for any slice: the same definitions by time, channel, customer and record attributes, filters and
text, with n, interval and the unreliable mark, from the API and from `voxpop metrics --json`."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.factories import Tenant, feedback, make_tenant, post


def load(http: httpx.Client, tenant: Tenant, rows: list[dict[str, Any]]) -> None:
    reply = post(http, tenant, "/api/v1/feedback/batch", {"items": [feedback(**row) for row in rows]})
    assert reply.status_code == 201, reply.text


def figures(http: httpx.Client, tenant: Tenant, **params: Any) -> list[dict[str, Any]]:
    reply = http.get("/api/v1/metrics", params=params, headers=tenant.headers())
    assert reply.status_code == 200, reply.text
    return list(reply.json())


def by_key(groups: list[dict[str, Any]], field: str) -> dict[str | None, dict[str, Any]]:
    return {g["keys"][field]: g for g in groups}


def test_nps_by_month_and_channel_matches_a_hand_count(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    january = [
        {"nps": s, "channel": "email", "received_at": "2025-01-10T12:00:00Z"} for s in (10, 9, 9, 7, 3)
    ]
    february = [{"nps": s, "channel": "web", "received_at": "2025-02-03T08:00:00Z"} for s in (2, 5, 8, 10)]
    load(http, tenant, january + february + [{"csat": 5, "nps": None, "received_at": "2025-02-04T00:00:00Z"}])
    months = by_key(figures(http, tenant, metric="nps", by="month"), "month")
    assert set(months) == {"2025-01", "2025-02"}
    assert months["2025-01"]["value"] == pytest.approx(100 * (3 - 1) / 5)
    assert months["2025-02"]["value"] == pytest.approx(100 * (1 - 2) / 4)
    assert (months["2025-01"]["n"], months["2025-01"]["reliable"]) == (5, False)
    channels = by_key(figures(http, tenant, metric="nps", by="channel"), "channel")
    assert channels["email"]["n"] == 5 and channels["web"]["n"] == 4


def test_time_buckets_are_days_monday_weeks_and_quarters(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    load(
        http,
        tenant,
        [
            {"csat": 5, "received_at": "2025-03-09T23:30:00Z"},
            {"csat": 2, "received_at": "2025-04-01T00:10:00Z"},
        ],
    )
    assert set(by_key(figures(http, tenant, metric="csat", by="day"), "day")) == {"2025-03-09", "2025-04-01"}
    assert set(by_key(figures(http, tenant, metric="csat", by="week"), "week")) == {
        "2025-03-03",
        "2025-03-31",
    }
    quarters = by_key(figures(http, tenant, metric="csat", by="quarter"), "quarter")
    assert quarters["2025-Q1"]["value"] == 100.0 and quarters["2025-Q2"]["value"] == 0.0


def test_slices_by_customer_attribute_with_filters_and_text(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    rows = [
        {
            "nps": 2,
            "text": "Late delivery again",
            "customer": {"email": "n1@x.com", "attributes": {"region": "north"}},
        },
        {
            "nps": 9,
            "text": "Lovely staff",
            "customer": {"email": "n2@x.com", "attributes": {"region": "north"}},
        },
        {
            "nps": 10,
            "text": "Late but fine",
            "customer": {"email": "s1@x.com", "attributes": {"region": "south"}},
            "attributes": {"store": "12"},
        },
    ]
    load(http, tenant, rows)
    regions = by_key(figures(http, tenant, metric="nps", by="customer.region"), "customer.region")
    assert regions["north"]["value"] == 0.0 and regions["south"]["value"] == 100.0
    late = figures(http, tenant, metric="nps", text="late")
    assert late[0]["n"] == 2
    north = figures(http, tenant, metric="nps", where="customer.region=north")
    assert north[0]["n"] == 2
    store = figures(http, tenant, metric="nps", by="attributes.store")
    assert {g["keys"]["attributes.store"] for g in store} == {None, "12"}


def test_ces_reports_the_mean_and_the_share_agreeing_and_ratings_their_distribution(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    load(
        http,
        tenant,
        [{"ces": s, "nps": None} for s in (7, 6, 5, 2)] + [{"rating": r, "nps": None} for r in (5, 4, 4, 1)],
    )
    (ces,) = figures(http, tenant, metric="ces")
    assert ces["value"] == pytest.approx(5.0)
    assert ces["details"]["agreeing"]["value"] == pytest.approx(75.0)
    (rating,) = figures(http, tenant, metric="rating")
    assert rating["value"] == pytest.approx(3.5)
    assert rating["details"]["distribution"] == {"1": 1, "2": 0, "3": 0, "4": 2, "5": 1}


def test_the_period_is_inclusive_and_bad_requests_say_why(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    load(http, tenant, [{"nps": 9, "received_at": f"2025-05-{day:02d}T23:59:00Z"} for day in (1, 2, 3)])
    assert figures(http, tenant, metric="nps", since="2025-05-02", until="2025-05-02")[0]["n"] == 1
    for params, message in (
        ({"metric": "happiness"}, "unknown metric 'happiness'"),
        ({"metric": "nps", "by": "planet"}, "unknown field 'planet'"),
        ({"metric": "nps", "where": "region"}, "malformed filter"),
        ({"metric": "nps", "since": "2025-05-03", "until": "2025-05-01"}, "the period is empty"),
    ):
        reply = http.get("/api/v1/metrics", params=params, headers=tenant.headers())
        assert reply.status_code == 422 and reply.json()["error"]["message"] == message


def test_the_command_line_prints_the_same_figures_as_json(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session, name="metrics-cli")
    load(http, tenant, [{"nps": s, "channel": c} for s, c in ((10, "email"), (0, "email"), (9, "web"))])
    command = [
        sys.executable,
        "-m",
        "voxpop",
        "metrics",
        "--workspace",
        "metrics-cli",
        "--metric",
        "nps",
        "--by",
        "channel",
        "--json",
    ]
    output = json.loads(
        subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout
    )
    assert output["groups"] == figures(http, tenant, metric="nps", by="channel")
    assert [(g["keys"]["channel"], g["value"], g["reliable"]) for g in output["groups"]] == [
        ("email", 0.0, False),
        ("web", 100.0, False),
    ]


def test_yes_no_and_number_attributes_read_the_same_on_every_store(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    rows = [
        {"nps": 10, "customer": {"email": "v@x.com", "attributes": {"vip": True, "tier": 2}}},
        {"nps": 0, "customer": {"email": "o@x.com", "attributes": {"vip": False, "tier": 1}}},
    ]
    load(http, tenant, rows)
    assert set(by_key(figures(http, tenant, metric="nps", by="customer.vip"), "customer.vip")) == {
        "true",
        "false",
    }
    assert figures(http, tenant, metric="nps", where="customer.vip=true")[0]["value"] == 100.0
    assert figures(http, tenant, metric="nps", where="customer.tier=2")[0]["n"] == 1
    odd = http.get(
        "/api/v1/metrics", params={"metric": "nps", "by": 'customer.a"b'}, headers=tenant.headers()
    )
    assert odd.status_code == 422
