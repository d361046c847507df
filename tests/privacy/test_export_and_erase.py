"""A customer's data can be exported whole and erased whole, by API and by CLI."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import Tenant, event, feedback, make_tenant, post
from voxpop.customer.models import Customer, CustomerIdentity
from voxpop.feedback.models import Feedback
from voxpop.journey.models import JourneyEvent


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
