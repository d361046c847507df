"""Contact rules across all surveys of a workspace: frequency, a quiet period after an answer, and
exclusions (unsubscribed, no consent, a segment the survey excludes) that hold on every channel. Every
invitation a rule stops is recorded with the rule."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import Tenant, make_tenant
from tests.survey.factories import Respondent, create_survey, nps_definition
from tests.survey.test_distribution import invite
from tests.survey.test_in_app import ask
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


def suppressions(session: Session) -> list[tuple[str, str, str]]:
    session.rollback()
    rows = session.scalars(select(SurveySuppression).order_by(SurveySuppression.created_at))
    return [(row.kind, row.rule, row.detail) for row in rows]


def test_a_customer_whose_contact_consent_is_no_is_invited_to_no_survey(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    first, second = create_survey(http, tenant), create_survey(http, tenant)
    refused, agreed, spoken = invite(
        http,
        tenant,
        first["id"],
        {"email": "no@example.com", "attributes": {"contact_consent": False}},
        {"email": "yes@example.com", "attributes": {"contact_consent": True}},
        {"email": "said-no@example.com", "attributes": {"contact_consent": "No"}},
    )
    assert (refused["suppressed_by"], refused["token"]) == ("no_consent", None)
    assert refused["reason"] == "the customer's contact_consent attribute says no"
    assert agreed["suppressed_by"] is None and agreed["token"]
    assert spoken["suppressed_by"] == "no_consent"
    assert invite(http, tenant, second["id"], {"email": "no@example.com"})[0]["suppressed_by"] == "no_consent"
    assert [rule for _, rule, _ in suppressions(session)] == ["no_consent"] * 3


def test_a_survey_excludes_the_segments_it_names_and_other_surveys_do_not(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    segments = [{"plan": "trial"}, {"country": ["DE", "AT"], "vip": True}, {"seats": 1}]
    excluding = create_survey(http, tenant, nps_definition(exclude=segments))
    other = create_survey(http, tenant)
    customers = [
        {"email": "trial@example.com", "attributes": {"plan": "Trial"}},
        {"email": "vip-at@example.com", "attributes": {"country": "at", "vip": True}},
        {"email": "plain-at@example.com", "attributes": {"country": "AT", "vip": False}},
        {"email": "paid@example.com", "attributes": {"plan": "paid"}},
        {"email": "one-vip@example.com", "attributes": {"country": "DE", "vip": 1}},
        {"email": "one-seat@example.com", "attributes": {"seats": 1.0}},
    ]
    outcomes = invite(http, tenant, excluding["id"], *customers)
    assert [o["suppressed_by"] for o in outcomes] == ["segment", "segment", None, None, None, "segment"]
    assert outcomes[0]["reason"] == "in a segment this survey excludes: plan = trial"
    assert outcomes[1]["reason"] == "in a segment this survey excludes: country = DE or AT, vip = True"
    assert [o["suppressed_by"] for o in invite(http, tenant, other["id"], *customers)] == [None] * 6
    assert [(kind, rule) for kind, rule, _ in suppressions(session)] == [("invitation", "segment")] * 3


def test_a_segment_that_names_nothing_is_refused_with_its_place(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    body = {"name": "Bad", "definition": nps_definition(exclude=[{"plan": []}])}
    reply = http.post("/api/v1/surveys", json=body, headers=tenant.headers())
    assert reply.status_code == 422
    (problem,) = reply.json()["error"]["problems"]
    assert problem["field"] == "definition.exclude[0].plan"
    assert problem["reason"].endswith(
        "must be a value (text, number, true or false) or a list of 1 to 100 of them"
    )


def unsubscribe(http: httpx.Client, link: dict[str, str]) -> None:
    assert http.post(f"/s/unsubscribe/{link['token']}").status_code == 200


def test_an_unsubscribed_customer_no_longer_gets_the_link_they_had_in_the_app_or_the_api(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    survey = create_survey(http, tenant, nps_definition(in_app=True))
    shown = ask(http, tenant)
    assert shown["survey_id"] == survey["id"]
    (link,) = invite(http, tenant, survey["id"], {"external_id": "app-user-1"})
    unsubscribe(http, link)
    assert ask(http, tenant)["survey_id"] is None
    assert str(ask(http, tenant)["reason"]).startswith("unsubscribed on ")
    (again,) = invite(http, tenant, survey["id"], {"external_id": "app-user-1"}, channel="sms")
    assert (again["suppressed_by"], again["token"]) == ("unsubscribed", None)


def test_exclusions_stop_the_contact_whatever_the_frequency_rules_say(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    surveys = [create_survey(http, tenant) for _ in range(4)]
    for survey in surveys[:3]:
        invite(http, tenant, survey["id"], {"email": "max@example.com"})
    (link,) = invite(http, tenant, surveys[0]["id"], {"email": "max@example.com"})
    assert (
        invite(http, tenant, surveys[3]["id"], {"email": "max@example.com"})[0]["suppressed_by"]
        == "frequency"
    )
    unsubscribe(http, link)
    assert (
        invite(http, tenant, surveys[3]["id"], {"email": "max@example.com"})[0]["suppressed_by"]
        == "unsubscribed"
    )


def test_another_workspaces_unsubscribe_and_segments_do_not_reach_this_one(
    http: httpx.Client, session: Session
) -> None:
    owner, stranger = make_tenant(session), make_tenant(session)
    theirs = create_survey(http, stranger, nps_definition(exclude=[{"plan": "trial"}]))
    (link,) = invite(http, stranger, theirs["id"], {"email": "sam@example.com"})
    unsubscribe(http, link)
    ours = create_survey(http, owner)
    (invited,) = invite(
        http, owner, ours["id"], {"email": "sam@example.com", "attributes": {"plan": "trial"}}
    )
    assert invited["suppressed_by"] is None and invited["token"]
    assert _tenant_sees_survey(http, stranger, ours["id"]) == 404


def _tenant_sees_survey(http: httpx.Client, tenant: Tenant, survey_id: str) -> int:
    return http.get(f"/api/v1/surveys/{survey_id}", headers=tenant.headers()).status_code


def test_every_invitation_a_rule_stops_through_the_api_is_recorded_even_on_the_same_day(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    survey = create_survey(http, tenant)
    set_clock(lambda: NOW)
    refused = {"email": "no@example.com", "attributes": {"contact_consent": False}}
    for _ in range(2):
        assert invite(http, tenant, survey["id"], refused)[0]["suppressed_by"] == "no_consent"
    assert [rule for _, rule, _ in suppressions(session)] == ["no_consent"] * 2


def set_rules(http: httpx.Client, tenant: Tenant, **rules: int) -> dict[str, object]:
    body = {"max_invitations": 3, "period_days": 30, "quiet_days_after_answer": 14, **rules}
    reply = http.put("/api/v1/surveys/contact-rules", json=body, headers=tenant.headers())
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def test_a_workspaces_own_frequency_limit_stops_its_invitations_and_no_other_workspaces(
    http: httpx.Client, session: Session
) -> None:
    strict, lenient = make_tenant(session), make_tenant(session)
    set_rules(http, strict, max_invitations=1, period_days=30)
    set_clock(lambda: NOW)
    outcomes = {
        tenant.name: [
            invite(http, tenant, create_survey(http, tenant)["id"], {"email": "kim@example.com"})[0]
            for _ in range(2)
        ]
        for tenant in (strict, lenient)
    }
    assert [o["suppressed_by"] for o in outcomes[strict.name]] == [None, "frequency"]
    assert outcomes[strict.name][1]["reason"] == "invited 1 times in the last 30 days (the limit is 1)"
    assert [o["suppressed_by"] for o in outcomes[lenient.name]] == [None, None]
    assert [(kind, rule) for kind, rule, _ in suppressions(session)] == [("invitation", "frequency")]


def answered_a_survey(http: httpx.Client, tenant: Tenant, email: str) -> None:
    (link,) = invite(http, tenant, create_survey(http, tenant)["id"], {"email": email})
    respondent = Respondent(http)
    respondent.open(link["path"])
    respondent.answer({"nps": 9})
    respondent.answer({"liked": "All good"})


def test_a_quiet_period_of_0_days_lets_an_invitation_through_right_after_an_answer_and_14_stop_it(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    set_clock(lambda: NOW)
    answered_a_survey(http, tenant, "lee@example.com")
    set_rules(http, tenant, quiet_days_after_answer=0)
    (let_through,) = invite(http, tenant, create_survey(http, tenant)["id"], {"email": "lee@example.com"})
    assert let_through["suppressed_by"] is None and let_through["token"]
    set_rules(http, tenant, quiet_days_after_answer=14)
    (stopped,) = invite(http, tenant, create_survey(http, tenant)["id"], {"email": "lee@example.com"})
    assert stopped["suppressed_by"] == "quiet_period"
    assert stopped["reason"] == "answered a survey on 2026-03-02; no invitation for 14 days after an answer"
