"""Reminders to customers emailed an invitation who have not finished answering: on the survey's schedule
(a job row that says when the next one is due, so a restart resumes) and by the API, through the same code:
after N days, at most M, never twice, never to the unsubscribed or excluded, each through a real SMTP server
with its unsubscribe link."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.message import Message
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.delivery.factories import run_jobs, smtp_receiver
from tests.factories import Tenant, make_tenant
from tests.survey.factories import Respondent, create_survey, nps_definition
from tests.survey.test_contact_rules import suppressions, unsubscribe
from tests.survey.test_distribution import invite
from tests.survey.test_email_invitations import part
from voxpop.kit.clock import set_clock
from voxpop.kit.jobs.models import Job, JobStatus
from voxpop.survey.reminders import SEND_DUE

pytestmark = pytest.mark.usefixtures("background_jobs_paused")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(days: float) -> None:
    set_clock(lambda: NOW + timedelta(days=days))


def reminding_survey(http: httpx.Client, tenant: Tenant, **reminders: Any) -> dict[str, Any]:
    return create_survey(http, tenant, nps_definition(reminders={"after_days": 3, **reminders}))


def answer(http: httpx.Client, link: dict[str, str]) -> None:
    respondent = Respondent(http)
    respondent.open(link["path"])
    respondent.answer({"nps": 10})
    respondent.answer({"liked": "fast"})


def recipients(messages: list[Message]) -> list[tuple[str, str]]:
    return [(m["To"], "reminder" if m["Subject"].startswith("Reminder") else "invitation") for m in messages]


def queued_reminder_runs(session: Session) -> list[datetime]:
    session.rollback()
    jobs = session.scalars(select(Job).where(Job.name == SEND_DUE, Job.status == JobStatus.PENDING))
    return [job.run_after for job in jobs]


def test_the_schedule_reminds_those_who_have_not_answered_every_n_days_at_most_m_times(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    survey = reminding_survey(http, tenant, max=2)
    at(0)
    with smtp_receiver() as receiver:
        answered, waiting = invite(
            http,
            tenant,
            survey["id"],
            {"email": "kim@example.com"},
            {"email": "lee@example.com", "name": "Lee Park"},
            channel="email",
        )
        assert queued_reminder_runs(session) == [NOW + timedelta(days=3)]
        run_jobs()
        answer(http, answered)
        at(2.9)
        run_jobs()
        at(3)
        run_jobs()
        assert queued_reminder_runs(session) == [NOW + timedelta(days=6)]
        at(6)
        run_jobs()
        at(30)
        run_jobs()
        assert queued_reminder_runs(session) == []
    assert recipients(receiver.messages) == [
        ("kim@example.com", "invitation"),
        ("lee@example.com", "invitation"),
        ("lee@example.com", "reminder"),
        ("lee@example.com", "reminder"),
    ]
    reminder = receiver.messages[2]
    assert reminder["Subject"] == "Reminder: Delivery survey: one quick question"
    text = part(reminder, "text/plain")
    assert text.startswith("Hello Lee,") and waiting["path"] in text
    unsubscribe_url = re.search(r"<([^>]+)>", reminder["List-Unsubscribe"])
    assert unsubscribe_url is not None and unsubscribe_url.group(1) in text
    assert unsubscribe_url.group(1).endswith(f"/s/unsubscribe/{waiting['token']}")


def test_no_reminder_reaches_the_unsubscribed_or_the_excluded_and_each_stop_is_recorded_once(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    survey = reminding_survey(http, tenant, max=3)
    at(0)
    with smtp_receiver() as receiver:
        leaving, _, _ = invite(
            http,
            tenant,
            survey["id"],
            {"email": "ann@example.com"},
            {"email": "bo@example.com"},
            {"email": "cy@example.com"},
            channel="email",
        )
        run_jobs()
        unsubscribe(http, leaving)
        other = create_survey(http, tenant)
        invite(
            http, tenant, other["id"], {"email": "bo@example.com", "attributes": {"contact_consent": "no"}}
        )
        for day in (3, 6, 9, 12):
            at(day)
            run_jobs()
    reminded = [to for to, kind in recipients(receiver.messages) if kind == "reminder"]
    assert reminded == ["cy@example.com"] * 3
    stopped = sorted((kind, rule) for kind, rule, _ in suppressions(session))
    assert stopped == [("invitation", "no_consent"), ("reminder", "no_consent"), ("reminder", "unsubscribed")]


def test_a_segment_the_survey_excludes_later_gets_no_reminder(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    survey = reminding_survey(http, tenant)
    at(0)
    with smtp_receiver() as receiver:
        invite(
            http,
            tenant,
            survey["id"],
            {"email": "dee@example.com", "attributes": {"plan": "trial"}},
            channel="email",
        )
        definition = nps_definition(reminders={"after_days": 3}, exclude=[{"plan": "trial"}])
        changed = http.patch(
            f"/api/v1/surveys/{survey['id']}", json={"definition": definition}, headers=tenant.headers()
        )
        assert changed.status_code == 200, changed.text
        at(3)
        run_jobs()
    assert recipients(receiver.messages) == [("dee@example.com", "invitation")]
    assert suppressions(session)[0][:2] == ("reminder", "segment")


def test_a_customer_who_just_answered_another_survey_is_not_reminded(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    survey, other = reminding_survey(http, tenant), create_survey(http, tenant)
    at(0)
    with smtp_receiver() as receiver:
        invite(http, tenant, survey["id"], {"email": "hal@example.com"}, channel="email")
        at(1)
        answer(http, invite(http, tenant, other["id"], {"email": "hal@example.com"})[0])
        at(3)
        run_jobs()
    assert recipients(receiver.messages) == [("hal@example.com", "invitation")]
    (stopped,) = suppressions(session)
    assert stopped[:2] == ("reminder", "quiet_period")
    assert stopped[2] == "answered a survey on 2026-03-03; no invitation for 14 days after an answer"


def test_a_closed_survey_sends_no_reminders_and_reopening_it_resumes_them(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    survey = reminding_survey(http, tenant)
    at(0)
    with smtp_receiver() as receiver:
        invite(http, tenant, survey["id"], {"email": "eli@example.com"}, channel="email")
        path = f"/api/v1/surveys/{survey['id']}"
        assert http.patch(path, json={"status": "closed"}, headers=tenant.headers()).status_code == 200
        at(3)
        run_jobs()
        assert queued_reminder_runs(session) == []
        at(4)
        assert http.patch(path, json={"status": "live"}, headers=tenant.headers()).status_code == 200
        assert queued_reminder_runs(session) == [NOW + timedelta(days=3)]
        run_jobs()
    assert recipients(receiver.messages) == [
        ("eli@example.com", "invitation"),
        ("eli@example.com", "reminder"),
    ]


def test_the_api_call_sends_one_reminder_per_unanswered_invitation(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    survey = create_survey(http, tenant)
    remind = f"/api/v1/surveys/{survey['id']}/reminders"
    at(0)
    with smtp_receiver() as receiver:
        answered, waiting = invite(
            http,
            tenant,
            survey["id"],
            {"email": "kim@example.com"},
            {"email": "lee@example.com", "name": "Lee Park"},
            channel="email",
        )
        run_jobs()
        answer(http, answered)
        at(2)
        assert http.post(remind, json={"after_days": 3}, headers=tenant.headers()).json() == {"reminded": 0}
        at(3)
        assert http.post(remind, json={"after_days": 3}, headers=tenant.headers()).json() == {"reminded": 1}
        assert http.post(remind, json={"after_days": 3}, headers=tenant.headers()).json() == {"reminded": 0}
        run_jobs()
    assert [m["To"] for m in receiver.messages] == ["kim@example.com", "lee@example.com", "lee@example.com"]
    reminder = receiver.messages[-1]
    assert reminder["Subject"] == "Reminder: Delivery survey: one quick question"
    assert waiting["token"] in part(reminder, "text/plain")


def test_the_api_and_the_schedule_never_remind_the_same_invitation_twice(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    survey = reminding_survey(http, tenant)
    at(0)
    with smtp_receiver() as receiver:
        invite(http, tenant, survey["id"], {"email": "flo@example.com"}, channel="email")
        at(3)
        remind = f"/api/v1/surveys/{survey['id']}/reminders"
        assert http.post(remind, json={"after_days": 3}, headers=tenant.headers()).json() == {"reminded": 1}
        run_jobs()
        at(9)
        run_jobs()
    assert recipients(receiver.messages) == [
        ("flo@example.com", "invitation"),
        ("flo@example.com", "reminder"),
    ]


def test_reminder_settings_and_templates_are_checked(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    bad = nps_definition(reminders={"after_days": 0, "max": 9, "email": {"text": "no way out: {link}"}})
    reply = http.post("/api/v1/surveys", json={"name": "Bad", "definition": bad}, headers=tenant.headers())
    assert reply.status_code == 422
    problems = {p["field"]: p["reason"] for p in reply.json()["error"]["problems"]}
    assert set(problems) >= {"definition.reminders.after_days", "definition.reminders.max"}
    assert any("{unsubscribe}" in reason for reason in problems.values()), problems
    survey = create_survey(http, tenant)
    refused = http.post(
        f"/api/v1/surveys/{survey['id']}/reminders",
        json={"after_days": 3, "email": {"text": "{link}"}},
        headers=tenant.headers(),
    )
    assert refused.status_code == 422 and "{unsubscribe}" in refused.text


def test_another_workspace_can_neither_send_nor_see_reminders(http: httpx.Client, session: Session) -> None:
    owner, stranger = make_tenant(session), make_tenant(session)
    survey = reminding_survey(http, owner)
    at(0)
    with smtp_receiver() as receiver:
        invite(http, owner, survey["id"], {"email": "gus@example.com"}, channel="email")
        at(3)
        remind = f"/api/v1/surveys/{survey['id']}/reminders"
        assert http.post(remind, json={"after_days": 0}, headers=stranger.headers()).status_code == 404
        run_jobs()
    assert recipients(receiver.messages) == [
        ("gus@example.com", "invitation"),
        ("gus@example.com", "reminder"),
    ]
