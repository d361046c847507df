"""Contact-frequency rules across all surveys of a workspace, and reminders to those who have not answered:
every invitation a rule stops is recorded with the rule."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.delivery.factories import run_jobs, smtp_receiver
from tests.factories import make_tenant
from tests.survey.factories import Respondent, create_survey
from tests.survey.test_distribution import invite
from voxpop.kit.clock import set_clock
from voxpop.survey.models import SurveySuppression

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def two_invitations_a_month(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from voxpop.survey import contact

    monkeypatch.setenv("VOXPOP_SURVEY_MAX_INVITATIONS", "2")
    contact.rules.cache_clear()
    yield
    monkeypatch.undo()
    contact.rules.cache_clear()


@pytest.mark.usefixtures("two_invitations_a_month")
def test_at_most_k_invitations_per_period_across_surveys(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    surveys = [create_survey(http, tenant) for _ in range(3)]
    set_clock(lambda: NOW)
    outcomes = [invite(http, tenant, s["id"], {"email": "ivy@example.com"})[0] for s in surveys]
    assert [o["suppressed_by"] for o in outcomes] == [None, None, "frequency"]
    assert outcomes[2]["reason"] == "invited 2 times in the last 30 days (the limit is 2)"
    assert outcomes[2]["token"] is None
    again = invite(http, tenant, surveys[0]["id"], {"email": "ivy@example.com"})[0]
    assert again["token"] == outcomes[0]["token"]
    session.rollback()
    (row,) = session.scalars(select(SurveySuppression))
    assert (row.rule, str(row.survey_id)) == ("frequency", surveys[2]["id"])
    set_clock(lambda: NOW + timedelta(days=31))
    assert invite(http, tenant, surveys[2]["id"], {"email": "ivy@example.com"})[0]["suppressed_by"] is None


def test_no_invitation_in_the_quiet_period_after_an_answer(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    first, second = create_survey(http, tenant), create_survey(http, tenant)
    set_clock(lambda: NOW)
    (link,) = invite(http, tenant, first["id"], {"email": "jo@example.com"})
    respondent = Respondent(http)
    respondent.open(link["path"])
    respondent.answer({"nps": 9})
    respondent.answer({"liked": "All good"})
    set_clock(lambda: NOW + timedelta(days=13))
    (stopped,) = invite(http, tenant, second["id"], {"email": "jo@example.com"})
    assert stopped["suppressed_by"] == "quiet_period"
    assert stopped["reason"] == "answered a survey on 2026-03-02; no invitation for 14 days after an answer"
    set_clock(lambda: NOW + timedelta(days=15))
    assert invite(http, tenant, second["id"], {"email": "jo@example.com"})[0]["token"]


@pytest.mark.usefixtures("background_jobs_paused")
def test_one_reminder_goes_to_those_who_have_not_answered(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    survey = create_survey(http, tenant)
    remind = f"/api/v1/surveys/{survey['id']}/reminders"
    set_clock(lambda: NOW)
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
        respondent = Respondent(http)
        respondent.open(answered["path"])
        respondent.answer({"nps": 10})
        respondent.answer({"liked": "fast"})
        set_clock(lambda: NOW + timedelta(days=2))
        assert http.post(remind, json={"after_days": 3}, headers=tenant.headers()).json() == {"reminded": 0}
        set_clock(lambda: NOW + timedelta(days=3))
        assert http.post(remind, json={"after_days": 3}, headers=tenant.headers()).json() == {"reminded": 1}
        assert http.post(remind, json={"after_days": 3}, headers=tenant.headers()).json() == {"reminded": 0}
        run_jobs()
    assert [m["To"] for m in receiver.messages] == ["kim@example.com", "lee@example.com", "lee@example.com"]
    reminder = receiver.messages[-1]
    assert reminder["Subject"] == "Reminder: Delivery survey: one quick question"
    assert waiting["token"] in reminder.get_payload()[0].get_payload(decode=True).decode()  # type: ignore[index,union-attr]
