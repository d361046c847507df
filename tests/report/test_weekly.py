"""The weekly report: subscribers get one email a week (HTML and text) with the week's headline figures and
their intervals, each against the week before with its test, the significant movements and the emerging
issues; the run is a job row due on Monday morning, sent once per workspace and week, then queued again."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.delivery.factories import Clock, run_jobs, smtp_receiver
from tests.factories import Tenant, csrf_token_in, feedback, make_tenant, make_user, post, sign_in, writing
from voxpop.kit.jobs import enqueue
from voxpop.kit.jobs.models import Job, JobStatus
from voxpop.report import service

pytestmark = pytest.mark.usefixtures("background_jobs_paused")
WEDNESDAY = datetime(2025, 11, 5, 12, tzinfo=UTC)
MONDAY_MORNING = datetime(2025, 11, 10, 6, tzinfo=UTC)
MONDAY_NIGHT = datetime(2025, 11, 10, 0, 30, tzinfo=UTC)  # the week is over; the report is not due yet


def seed_weeks(http: httpx.Client, tenant: Tenant) -> None:
    """Eight calm weeks of promoters on email, then the week of 3 November full of detractors."""
    items = []
    for week_start in ("2025-09-08", "2025-09-15", "2025-09-22", "2025-09-29", "2025-10-06", "2025-10-13",
                       "2025-10-20", "2025-10-27"):  # fmt: skip
        items += [
            feedback(nps=10 if i % 5 else 8, received_at=f"{week_start}T1{i % 10}:00:00Z") for i in range(35)
        ]
    items += [
        feedback(nps=2 if i % 5 else 9, received_at=f"2025-11-0{3 + i % 7}T10:00:00Z") for i in range(35)
    ]
    assert post(http, tenant, "/api/v1/feedback/batch", {"items": items}).status_code == 201


def subscribe(http: httpx.Client, session: Session, tenant: Tenant, *actions: str) -> str:
    """A new member of the workspace who subscribes (or does the `actions` in turn) on the Reports page."""
    email = make_user(session, tenant.workspace_id, role="viewer")
    sign_in(http, email)
    for action in actions or ("subscribe",):
        token = csrf_token_in(http.get("/reports").text)
        reply = http.post("/reports/subscription", data={"action": action, "csrf_token": token})
        assert reply.status_code == 303
    http.post("/logout", data={"csrf_token": token})
    http.cookies.clear()
    return email


def weekly_jobs(session: Session) -> list[Job]:
    session.rollback()  # a new transaction sees what the jobs committed
    return list(session.scalars(select(Job).where(Job.name == service.WEEKLY_JOB).order_by(Job.run_after)))


def test_next_send_time_is_the_next_monday_morning() -> None:
    assert service.next_send_time(WEDNESDAY) == MONDAY_MORNING
    assert service.next_send_time(datetime(2025, 11, 10, 5, 59, tzinfo=UTC)) == MONDAY_MORNING
    assert service.next_send_time(MONDAY_MORNING) == datetime(2025, 11, 17, 6, tzinfo=UTC)


def test_a_subscriber_gets_the_weeks_report_once_on_monday_and_the_next_run_is_queued(
    http: httpx.Client, session: Session
) -> None:
    clock = Clock()
    clock.now = MONDAY_NIGHT
    tenant = make_tenant(session)
    seed_weeks(http, tenant)
    address = subscribe(http, session, tenant)
    (queued,) = weekly_jobs(session)
    assert (queued.status, queued.run_after, queued.workspace_id) == (
        "pending",
        MONDAY_MORNING,
        tenant.workspace_id,
    )
    with smtp_receiver() as smtp:
        run_jobs()
        assert smtp.messages == []  # not due before Monday
        clock.to(MONDAY_MORNING)
        run_jobs()
        with writing(
            session
        ) as writer:  # a second run for the same week (a retry, a duplicate) sends nothing
            enqueue(
                writer, service.WEEKLY_JOB, {"workspace_id": str(tenant.workspace_id)}, tenant.workspace_id
            )
        run_jobs()
    (message,) = smtp.messages
    assert message["To"] == address
    assert message["Subject"] == f"{tenant.name}: customer feedback, week of 2025-11-03"
    text, html = (
        part.get_payload(decode=True).decode() for part in message.walk() if not part.is_multipart()
    )
    # the week: 28 detractors (2) and 7 promoters (9) of 35 → NPS −60; the week before: all promoters or passives
    assert "35 records from 2025-11-03 to 2025-11-09." in text
    assert re.search(r"NPS: -60\.0 \(95 % CI -\d+\.\d to -\d+\.\d, n = 35\)", text)
    assert re.search(r"against the week before: -1\d\d\.\d \(z-test.*p = .*: significant at 5 %\)", text)
    assert "NPS, channel = email" in text  # the email segment moved, BH-adjusted
    assert "NPS fell below its control limits (all feedback, from 2025-11-03)" in text
    assert "<table" in html and "n = 35" not in html and ">35<" in html
    assert [(j.status, j.run_after) for j in weekly_jobs(session)] == [
        (JobStatus.DONE, MONDAY_MORNING),
        (JobStatus.DONE, MONDAY_MORNING),  # the duplicate: ran, sent nothing, queued no second next run
        (JobStatus.PENDING, datetime(2025, 11, 17, 6, tzinfo=UTC)),
    ]


def test_each_workspace_reports_to_its_own_subscribers_only(http: httpx.Client, session: Session) -> None:
    clock = Clock()
    clock.now = MONDAY_NIGHT
    ours, theirs = make_tenant(session), make_tenant(session)
    seed_weeks(http, ours)
    ours_address, theirs_address = subscribe(http, session, ours), subscribe(http, session, theirs)
    subscribe(http, session, ours, "subscribe", "unsubscribe")
    clock.to(MONDAY_MORNING)
    with smtp_receiver() as smtp:
        run_jobs()
    received = {m["To"]: m["Subject"] for m in smtp.messages}
    assert received == {
        ours_address: f"{ours.name}: customer feedback, week of 2025-11-03",
        theirs_address: f"{theirs.name}: customer feedback, week of 2025-11-03",
    }
    theirs_text = (
        next(m for m in smtp.messages if m["To"] == theirs_address).get_payload(0).get_payload(decode=True)
    )
    assert b"0 records from 2025-11-03" in theirs_text and b"NPS: no answers" in theirs_text


def test_the_reports_page_previews_last_weeks_report(http: httpx.Client, session: Session) -> None:
    clock = Clock()
    clock.now = MONDAY_MORNING
    tenant = make_tenant(session)
    seed_weeks(http, tenant)
    sign_in(http, make_user(session, tenant.workspace_id, role="viewer"))
    page = http.get("/reports")
    assert page.status_code == 200
    assert "You are not subscribed." in page.text and "week of 2025-11-03" in page.text
    assert "-60.0" in page.text
