"""Every number on the dashboards drills down to the records behind it: the records page and API take the
figure's own filters, and their count is the figure's n — on both stores, and only within the workspace."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.factories import Tenant, feedback, make_key, make_tenant, make_user, post, sign_in
from voxpop.insight import service
from voxpop.insight.records import records_link
from voxpop.insight.service import SliceQuery
from voxpop.kit import clock

ROWS = [
    # (month, day, nps, csat, channel, lifecycle_stage, touchpoint, region)
    (9, 2, 10, 5, "email", "support", None, "north"),
    (9, 9, 9, None, "web", "support", "delivery", "south"),
    (9, 16, 3, 2, "email", None, "delivery", "north"),
    (10, 6, 2, 1, "email", "purchase", "checkout", "north"),
    (10, 13, 0, None, "web", None, None, "south"),
    (10, 20, 9, 4, "email", "support", "delivery", "south"),
    (10, 27, None, 5, "chat", "support", None, None),
]


def seed(http: httpx.Client, tenant: Tenant, text: str = "The parcel came late") -> None:
    items = []
    for month, day, nps, csat, channel, stage, touchpoint, region in ROWS:
        customer = {"email": f"{region or 'anon'}-{month}-{day}@example.com", "name": f"Customer {day}"}
        if region:
            customer["attributes"] = {"region": region}
        items.append(
            feedback(
                nps=nps,
                csat=csat,
                channel=channel,
                lifecycle_stage=stage,
                touchpoint=touchpoint,
                received_at=f"2025-{month:02d}-{day:02d}T10:00:00Z",
                text=f"{text} ({month}/{day})",
                customer=customer,
            )
        )
    reply = post(http, tenant, "/api/v1/feedback/batch", {"items": items})
    assert reply.status_code == 201, reply.text


def api_total(http: httpx.Client, tenant: Tenant, link: str) -> int:
    reply = http.get("/api/v1" + link, headers=tenant.headers())
    assert reply.status_code == 200, reply.text
    return int(reply.json()["total"])


@pytest.mark.parametrize(
    ("metric", "by", "where"),
    [
        ("nps", ["month"], ["channel=email"]),
        ("nps", ["lifecycle_stage", "channel"], []),
        ("csat", ["touchpoint"], ["customer.region=north"]),
        ("nps", ["customer.region"], ["month=2025-10"]),
    ],
)
def test_each_figure_links_to_as_many_records_as_its_n(
    http: httpx.Client, session: Session, metric: str, by: list[str], where: list[str]
) -> None:
    tenant = make_tenant(session)
    seed(http, tenant)
    params = {"metric": metric, "by": by, "where": where}
    figures = http.get("/api/v1/metrics", params=params, headers=tenant.headers()).json()
    assert figures and sum(f["n"] for f in figures) > 0
    base = [tuple(w.split("=", 1)) for w in where]
    for figure in figures:
        link = records_link(metric, figure["keys"], base)
        assert api_total(http, tenant, link) == figure["n"], (link, figure)


def test_records_of_a_group_without_a_value_are_found_with_missing(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    seed(http, tenant)
    reply = http.get(
        "/api/v1/records", params={"metric": "nps", "missing": "lifecycle_stage"}, headers=tenant.headers()
    )
    body = reply.json()
    assert body["total"] == 2
    assert {(item["nps"], item["lifecycle_stage"]) for item in body["items"]} == {(3, None), (0, None)}


def test_several_values_of_one_field_match_any_of_them(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    seed(http, tenant)
    params = {"where": ["channel=web", "channel=chat"], "since": "2025-10-01"}
    body = http.get("/api/v1/records", params=params, headers=tenant.headers()).json()
    assert body["total"] == 2 and {i["channel"] for i in body["items"]} == {"web", "chat"}
    (figure,) = http.get(
        "/api/v1/metrics", params={"metric": "csat", **params}, headers=tenant.headers()
    ).json()
    assert figure["n"] == 1  # the chat answer; the web one has no CSAT


def test_a_page_of_records_is_newest_first_with_score_channel_time_excerpt_and_customer(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    seed(http, tenant, text="word " * 100)
    body = http.get(
        "/api/v1/records", params={"metric": "nps", "limit": 2, "offset": 1}, headers=tenant.headers()
    ).json()
    assert (body["total"], body["limit"], body["offset"]) == (6, 2, 1)
    first, second = body["items"]
    assert first["received_at"].startswith("2025-10-13") and second["received_at"].startswith("2025-10-06")
    assert (first["nps"], first["channel"], first["customer_name"]) == (0, "web", "Customer 13")
    assert len(first["excerpt"]) == 200 and first["excerpt"].endswith("…")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"where": "colour=red"}, "colour"),
        ({"where": "channel"}, "where"),
        ({"since": "2025-13-01"}, "since"),
        ({"metric": "happiness"}, "metric"),
        ({"since": "2025-10-02", "until": "2025-10-01"}, "since"),
        ({"limit": "501"}, "limit"),
    ],
)
def test_bad_filters_get_a_precise_error(
    http: httpx.Client, session: Session, params: dict[str, str], field: str
) -> None:
    tenant = make_tenant(session)
    reply = http.get("/api/v1/records", params=params, headers=tenant.headers())
    assert reply.status_code == 422
    assert field in [p.get("field") for p in reply.json()["error"]["problems"]]


def test_records_of_another_workspace_are_never_listed(http: httpx.Client, session: Session) -> None:
    ours, theirs = make_tenant(session), make_tenant(session)
    seed(http, ours, text="ours")
    seed(http, theirs, text="theirs")
    body = http.get("/api/v1/records", params={"limit": 500}, headers=ours.headers()).json()
    assert body["total"] == len(ROWS) and all(i["excerpt"].startswith("ours") for i in body["items"])
    sign_in(http, make_user(session, ours.workspace_id, role="viewer"))
    page = http.get("/records", params={"where": "channel=email"})
    assert 'data-total="4"' in page.text and "theirs" not in page.text and "ours" in page.text


DRILL = re.compile(r'<a class="drill"[^>]*href="([^"]+)"[^>]*>([^<]+)</a>')


def drill_links(html: str) -> list[tuple[str, int]]:
    """Each drill-down link of a page and the number it is attached to."""
    found = []
    for href, label in DRILL.findall(html):
        digits = re.findall(r"[\d,]+", label)
        found.append((href.replace("&amp;", "&"), int(digits[-1].replace(",", ""))))
    return found


@pytest.mark.parametrize(
    "path",
    [
        "/overview?where=channel=email&since=2025-09-01",
        "/overview?where=customer.region=north&until=2025-10-31",
        "/trends?metric=nps&by=month&where=customer.region=north",
        "/trends?metric=csat&by=week",
        "/changes?metric=nps&period=month",
        "/journey",
        "/journey?metric=csat",
    ],
)
def test_every_number_on_a_dashboard_opens_as_many_records(
    http: httpx.Client, session: Session, path: str
) -> None:
    tenant = make_tenant(session)
    seed(http, tenant)
    clock.set_clock(lambda: datetime(2025, 11, 3, tzinfo=UTC))
    sign_in(http, make_user(session, tenant.workspace_id, role="viewer"))
    page = http.get(path)
    assert page.status_code == 200, page.text
    links = drill_links(page.text)
    assert len(links) >= 2 and any(n > 0 for _, n in links)
    for href, n in links:
        opened = http.get(href)
        total = re.search(r'data-total="(\d+)"', opened.text)
        assert total is not None and int(total.group(1)) == n, (path, href)


def test_the_records_page_pages_through_the_records(http: httpx.Client, session: Session) -> None:
    workspace_key = make_tenant(session)
    items = [feedback(nps=i % 11, received_at=f"2025-01-{1 + i % 28:02d}T10:00:00Z") for i in range(60)]
    post(http, workspace_key, "/api/v1/feedback/batch", {"items": items})
    make_key(session, workspace_key.workspace_id)
    sign_in(http, make_user(session, workspace_key.workspace_id, role="viewer"))
    first = http.get("/records", params={"metric": "nps"})
    assert (
        first.text.count("<tr data-id=") == 50 and "Page 1 of 2" in first.text and 'rel="next"' in first.text
    )
    second = http.get("/records", params={"metric": "nps", "page": 2})
    assert second.text.count("<tr data-id=") == 10 and 'rel="prev"' in second.text


def test_a_customer_attribute_query_leaves_the_planner_settings_as_it_found_them(
    http: httpx.Client, session: Session
) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("a PostgreSQL planner setting")
    tenant = make_tenant(session)
    seed(http, tenant)
    query = SliceQuery("nps", ("month",), (("customer.region", "north"),))
    assert [f.estimate.n for f in service.figures(session, tenant.workspace_id, query)] == [2, 1]
    assert session.execute(text("SHOW enable_nestloop")).scalar_one() == "on"
