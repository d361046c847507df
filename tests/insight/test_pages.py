"""The dashboards render their figures with n, and every table downloads as CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import httpx
from sqlalchemy.orm import Session

from tests.factories import feedback, make_key, make_user, make_workspace, sign_in
from voxpop.kit import clock


def signed_in_with_data(http: httpx.Client, session: Session) -> None:
    workspace_id = make_workspace(session)
    key = make_key(session, workspace_id)
    rows = [
        feedback(nps=s, received_at=f"2025-{m:02d}-15T10:00:00Z", channel=c, lifecycle_stage="support")
        for m, s, c in ((9, 10, "email"), (9, 9, "web"), (10, 2, "email"), (10, 0, "web"), (10, 9, "email"))
    ]
    reply = http.post(
        "/api/v1/feedback/batch", json={"items": rows}, headers={"Authorization": f"Bearer {key}"}
    )
    assert reply.status_code == 201
    sign_in(http, make_user(session, workspace_id, role="viewer"))


def test_the_trends_page_charts_the_metric_and_marks_small_n(http: httpx.Client, session: Session) -> None:
    signed_in_with_data(http, session)
    page = http.get("/trends", params={"metric": "nps", "by": "month"})
    assert page.status_code == 200
    assert "<svg" in page.text and '<title id="chart-title">NPS by month</title>' in page.text
    assert "2025-09" in page.text and "2025-10" in page.text and "unreliable (n &lt; 30)" in page.text


def test_figures_download_as_csv(http: httpx.Client, session: Session) -> None:
    signed_in_with_data(http, session)
    reply = http.get("/export/figures.csv", params={"metric": "nps", "by": "channel"})
    assert reply.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(reply.text)))
    assert [(r["channel"], round(float(r["value"]), 4), r["n"], r["reliable"]) for r in rows] == [
        ("email", round(100 * (2 - 1) / 3, 4), "3", "False"),
        ("web", 0.0, "2", "False"),
    ]


def test_what_changed_and_journey_pages_show_tests_and_segments(http: httpx.Client, session: Session) -> None:
    signed_in_with_data(http, session)
    clock.set_clock(lambda: datetime(2025, 11, 3, tzinfo=UTC))
    changes = http.get("/changes", params={"metric": "nps"})
    assert changes.status_code == 200
    assert "2025-10-01 to 2025-10-31 against the month before" in changes.text
    assert "channel = email" in changes.text and "Benjamini–Hochberg" in changes.text
    journey = http.get("/journey")
    assert journey.status_code == 200 and "support" in journey.text


def test_a_bad_parameter_gets_an_error_page_not_a_crash(http: httpx.Client, session: Session) -> None:
    signed_in_with_data(http, session)
    reply = http.get("/trends", params={"metric": "happiness"})
    assert reply.status_code == 422
    assert "Unknown metric" in reply.text


def test_a_mistyped_filter_comes_back_as_the_form_with_the_problem_beside_its_field(
    http: httpx.Client, session: Session
) -> None:
    signed_in_with_data(http, session)
    reply = http.get("/trends", params={"metric": "nps", "since": "2025-13-40"})
    assert reply.status_code == 422 and reply.headers["content-type"].startswith("text/html")
    page = reply.text
    assert "<nav" in page, "the error page keeps the app's navigation"
    assert 'name="since" value="2025-13-40" aria-invalid="true"' in page
    assert 'name="metric" value="nps">' in page
    assert 'action="/trends"' in page and "Try again" in page


def test_a_page_address_with_a_malformed_parameter_gets_a_page_not_json(
    http: httpx.Client, session: Session
) -> None:
    signed_in_with_data(http, session)
    for address in ("/audit?page=abc", "/trends/nowhere"):
        reply = http.get(address)
        assert reply.status_code in (403, 404, 422), address
        assert reply.headers["content-type"].startswith("text/html"), address
        assert "<nav" in reply.text, address
