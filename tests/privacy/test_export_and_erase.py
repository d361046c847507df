"""A customer's data can be exported whole and erased whole, by API and by CLI."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import Tenant, event, feedback, make_tenant, post
from tests.survey.factories import Respondent, create_survey, nps_definition
from tests.survey.test_distribution import invite
from voxpop.customer.models import Customer, CustomerIdentity
from voxpop.feedback.models import Feedback
from voxpop.journey.models import JourneyEvent
from voxpop.survey.models import SurveyInvitation, SurveyResponse, SurveySuppression, SurveyUnsubscribe


def _customer_with_history(http: httpx.Client, tenant: Tenant, email: str) -> str:
    for _ in range(3):
        post(http, tenant, "/api/v1/feedback", feedback(customer={"email": email, "handle": "@" + email[:3]}))
    post(http, tenant, "/api/v1/events", event(customer={"email": email}))
    post(http, tenant, "/api/v1/feedback", feedback(customer={"email": "someone.else@example.com"}))
    found = http.get("/api/v1/customers/lookup", params={"identity": email}, headers=tenant.headers())
    return str(found.json()["id"])


def _held_about(session: Session, customer_id: uuid.UUID) -> dict[str, int]:
    session.rollback()
    counts = {}
    for name, model in (("feedback", Feedback), ("events", JourneyEvent), ("identities", CustomerIdentity)):
        counts[name] = session.scalar(
            select(func.count()).select_from(model).where(model.customer_id == customer_id)
        )
    counts["customer"] = session.scalar(
        select(func.count()).select_from(Customer).where(Customer.id == customer_id)
    )
    return counts


def test_the_export_holds_the_customer_with_every_record_and_event(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    customer_id = _customer_with_history(http, tenant, "ola@example.com")
    document = http.get(f"/api/v1/customers/{customer_id}/export", headers=tenant.headers()).json()
    assert document["customer"]["id"] == customer_id
    assert {i["value"] for i in document["customer"]["identities"]} == {"ola@example.com", "@ola"}
    assert len(document["feedback"]) == 3 and len(document["events"]) == 1
    assert all(record["customer_id"] == customer_id for record in document["feedback"])


def test_erasing_removes_the_customer_and_everything_tied_to_them_only(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    customer_id = _customer_with_history(http, tenant, "ola@example.com")
    reply = http.delete(f"/api/v1/customers/{customer_id}", headers=tenant.headers())
    assert reply.json() == {
        "customer_id": customer_id,
        "feedback_deleted": 3,
        "events_deleted": 1,
        "identities_deleted": 2,
    }
    assert _held_about(session, uuid.UUID(customer_id)) == {
        "feedback": 0,
        "events": 0,
        "identities": 0,
        "customer": 0,
    }
    assert http.get(f"/api/v1/customers/{customer_id}", headers=tenant.headers()).status_code == 404
    assert len(http.get("/api/v1/feedback", headers=tenant.headers()).json()) == 1


def _surveyed_customer(http: httpx.Client, tenant: Tenant, email: str) -> tuple[dict[str, Any], str]:
    """A customer who answered one survey through their link, was stopped from another, and unsubscribed."""
    answered = create_survey(http, tenant, nps_definition(exclude=[{"plan": "trial"}]), name="Answered")
    (link,) = invite(http, tenant, answered["id"], {"email": email, "name": "Ola Nordmann"}, hidden={})
    respondent = Respondent(http)
    respondent.open(link["path"])
    respondent.answer({"nps": 4})
    respondent.answer({"improve": "Faster delivery, please"})
    excluding = create_survey(http, tenant, nps_definition(exclude=[{"plan": "trial"}]), name="Excluding")
    invite(http, tenant, excluding["id"], {"email": email, "attributes": {"plan": "trial"}})
    assert http.post(f"/s/unsubscribe/{link['token']}").status_code == 200
    return answered, link["customer_id"]


def test_the_export_holds_the_customers_survey_links_answers_unsubscribe_and_stopped_contacts(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    survey, customer_id = _surveyed_customer(http, tenant, "ola@example.com")
    document = http.get(f"/api/v1/customers/{customer_id}/export", headers=tenant.headers()).json()
    surveys = document["surveys"]
    (invitation,) = surveys["invitations"]
    assert (invitation["survey_id"], invitation["survey"]) == (survey["id"], "Answered")
    assert invitation["identities"] == {"email": "ola@example.com"}
    assert invitation["answer"]["answers"] == {"nps": 4, "improve": "Faster delivery, please"}
    assert invitation["answer"]["completed_at"] is not None
    assert surveys["unsubscribed_at"] is not None
    (stopped,) = surveys["stopped_contacts"]
    assert (stopped["kind"], stopped["rule"]) == ("invitation", "segment")
    assert [record["text"] for record in document["feedback"]] == ["Faster delivery, please"]


def test_erasing_a_customer_removes_their_survey_links_answers_and_unsubscribe_and_no_one_elses(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    survey, customer_id = _surveyed_customer(http, tenant, "ola@example.com")
    (other,) = invite(http, tenant, survey["id"], {"email": "someone.else@example.com"})
    anonymous = Respondent(http)
    anonymous.open(survey["path"])
    anonymous.answer({"nps": 10})
    assert http.delete(f"/api/v1/customers/{customer_id}", headers=tenant.headers()).status_code == 200
    session.rollback()
    held = {
        model.__name__: session.scalar(
            select(func.count()).select_from(model).where(model.customer_id == uuid.UUID(customer_id))
        )
        for model in (SurveyInvitation, SurveySuppression, SurveyUnsubscribe, Feedback)
    }
    assert held == {"SurveyInvitation": 0, "SurveySuppression": 0, "SurveyUnsubscribe": 0, "Feedback": 0}
    remaining = session.scalars(select(SurveyResponse)).all()
    assert [(r.invitation_id, r.answers) for r in remaining] == [(None, {"nps": 10})]
    assert session.scalar(select(SurveyInvitation.customer_id)) == uuid.UUID(other["customer_id"])
