"""One way in (voxpop.flows): whichever door a record comes in by, it is stored through the same entry and
gets the same follow-up work. A feedback record with text is analysed in the background and a matching rule
acts on it; a journey event invites its customer to a survey with a trigger on that event."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.case.factories import call
from tests.factories import Tenant, event, feedback, make_tenant, make_user, post, writing
from tests.ingest.test_import_api import wait_until_finished
from tests.rule.factories import create_rule, tags, wait_for
from tests.survey.factories import Respondent, create_survey, nps_definition
from tests.text.test_text_api import wait_for_analysis
from tests.web.test_browser import sign_in
from voxpop.demo import service as demo_service
from voxpop.demo.generator import DemoData
from voxpop.feedback.models import Feedback
from voxpop.feedback.schemas import FeedbackIn
from voxpop.kit.jobs.models import Job
from voxpop.survey import triggers

COMPLAINT = "The parcel arrived broken and nobody answered my emails. Terrible service."


def unhappy_rule(http: httpx.Client, tenant: Tenant) -> None:
    """Records whose text reads negative get the tag "unhappy"."""
    create_rule(
        http,
        tenant,
        name="Unhappy",
        conditions={"sentiment": {"labels": ["negative"]}},
        actions=[{"type": "tag", "params": {"tags": ["unhappy"]}}],
    )


def assert_analysed_and_tagged(http: httpx.Client, tenant: Tenant, feedback_id: str) -> None:
    analysis = wait_for_analysis(http, tenant, feedback_id)
    assert analysis["sentiment"]["label"] == "negative"
    wait_for(lambda: tags(http, tenant, feedback_id) == ["unhappy"], what="the rule tagging the record")


def only_record(session: Session, workspace_id: uuid.UUID) -> str:
    session.rollback()
    return str(session.scalars(select(Feedback.id).where(Feedback.workspace_id == workspace_id)).one())


def test_a_record_posted_alone_over_the_api_is_analysed_and_a_rule_acts_on_it(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    unhappy_rule(http, tenant)
    reply = post(http, tenant, "/api/v1/feedback", feedback(text=COMPLAINT))
    assert reply.status_code == 201, reply.text
    assert_analysed_and_tagged(http, tenant, reply.json()["id"])


def test_a_record_in_a_batch_over_the_api_is_analysed_and_a_rule_acts_on_it(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    unhappy_rule(http, tenant)
    reply = post(http, tenant, "/api/v1/feedback/batch", {"items": [feedback(text=COMPLAINT)]})
    assert reply.status_code == 201, reply.text
    assert_analysed_and_tagged(http, tenant, reply.json()["items"][0]["id"])


def test_a_record_from_an_imported_file_is_analysed_and_a_rule_acts_on_it(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    unhappy_rule(http, tenant)
    content = f"id,email,nps,comment\n1,ann@example.com,3,{COMPLAINT}\n".encode()
    reply = http.post(
        "/api/v1/imports", files={"file": ("answers.csv", content, "text/csv")}, headers=tenant.headers()
    )
    assert reply.status_code == 202, reply.text
    assert wait_until_finished(http, tenant, reply.json()["id"])["status"] == "done"
    assert_analysed_and_tagged(http, tenant, only_record(session, tenant.workspace_id))


def test_a_survey_answer_is_analysed_and_a_rule_acts_on_it(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    unhappy_rule(http, tenant)
    survey = create_survey(http, tenant, nps_definition())
    respondent = Respondent(http)
    respondent.open(survey["path"])
    respondent.answer({"nps": 2})
    respondent.answer({"improve": COMPLAINT})
    assert 'id="thanks"' in respondent.html
    assert_analysed_and_tagged(http, tenant, only_record(session, tenant.workspace_id))


def test_a_record_of_the_demo_company_is_analysed_and_a_rule_acts_on_it(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    unhappy_rule(http, tenant)
    now = datetime.now(UTC)
    record = FeedbackIn.model_validate(feedback(text=COMPLAINT, received_at=now.isoformat()))
    data = DemoData(customers=[], events=[], feedback=[record], start=now, end=now)
    with writing(session) as writer:
        assert demo_service.load(writer, tenant.workspace_id, data) == {
            "customers": 0,
            "events": 0,
            "feedback": 1,
        }
    assert_analysed_and_tagged(http, tenant, only_record(session, tenant.workspace_id))


def _event_alone(http: httpx.Client, tenant: Tenant, body: dict[str, object]) -> None:
    assert post(http, tenant, "/api/v1/events", body).status_code == 201


def _event_in_a_batch(http: httpx.Client, tenant: Tenant, body: dict[str, object]) -> None:
    assert post(http, tenant, "/api/v1/events/batch", {"items": [body]}).status_code == 201


def _event_in_a_file(http: httpx.Client, tenant: Tenant, body: dict[str, object]) -> None:
    content = f"id,type,email\n{body['external_id']},{body['type']},ann@example.com\n".encode()
    reply = http.post(
        "/api/v1/imports",
        files={"file": ("events.csv", content, "text/csv")},
        data={"kind": "events"},
        headers=tenant.headers(),
    )
    assert reply.status_code == 202, reply.text
    assert wait_until_finished(http, tenant, reply.json()["id"])["status"] == "done"


@pytest.mark.parametrize("send", [_event_alone, _event_in_a_batch, _event_in_a_file])
def test_a_journey_event_from_any_door_invites_its_customer_to_the_triggered_survey(
    send: Callable[[httpx.Client, Tenant, dict[str, object]], None], http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    create_survey(http, tenant, nps_definition(triggers=[{"event": "order_delivered", "delay_hours": 24}]))
    send(http, tenant, event(customer={"email": "ann@example.com"}))
    session.rollback()
    invitations = select(func.count()).select_from(Job)
    invitations = invitations.where(
        Job.name == triggers.INVITE_AFTER_EVENT, Job.workspace_id == tenant.workspace_id
    )
    assert session.scalar(invitations) == 1


@pytest.mark.browser
def test_in_the_browser_a_survey_detractors_comment_gets_its_sentiment_and_a_rule_opens_a_case(
    page: Page, http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    create_rule(
        http,
        tenant,
        name="Unhappy detractors",
        conditions={"nps": {"max": 6}, "sentiment": {"labels": ["negative"]}},
        actions=[{"type": "open_case", "params": {}}],
    )
    survey = create_survey(http, tenant, nps_definition())
    page.goto(survey["path"])
    page.get_by_role("radio", name="2", exact=True).check()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("You gave 2. What should we improve?").fill(COMPLAINT)
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#thanks")).to_be_visible()

    (case,) = wait_for(lambda: call(http, tenant, "GET", "/api/v1/cases"), what="the rule opening a case")
    sign_in(page, make_user(session, tenant.workspace_id, "admin"))
    page.goto("/cases")
    page.get_by_role("link", name=re.compile("The parcel arrived broken")).click()
    expect(page).to_have_url(re.compile(f"/cases/{case['id']}$"))
    expect(page.locator("#timeline")).to_contain_text("nobody answered my emails")
    page.goto(f"/feedback/{only_record(session, tenant.workspace_id)}")
    expect(page.locator(".sentiment-negative").first).to_have_text(re.compile("^negative"))
