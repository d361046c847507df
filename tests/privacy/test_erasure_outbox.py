"""Erasing a customer empties the delivery outbox of them: emails to their addresses (queued or sent, with
their attempts) and webhooks that name them or their records; a queued one is never sent afterwards."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.case.factories import open_case, record
from tests.delivery.factories import http_receiver, run_jobs, smtp_receiver
from tests.delivery.test_webhooks import add_endpoint
from tests.factories import Tenant, make_tenant, writing
from tests.survey.factories import create_survey
from tests.survey.test_distribution import invite
from voxpop.delivery import service as delivery_service
from voxpop.delivery.models import Delivery, DeliveryAttempt

pytestmark = pytest.mark.usefixtures("background_jobs_paused")


def erase(http: httpx.Client, tenant: Tenant, customer_id: str) -> None:
    assert http.delete(f"/api/v1/customers/{customer_id}", headers=tenant.headers()).status_code == 200


def outbox(session: Session) -> list[Delivery]:
    session.rollback()
    return list(session.scalars(select(Delivery).order_by(Delivery.created_at)))


def emailed_to(session: Session) -> list[str]:
    return sorted(d.message["to"] for d in outbox(session) if d.channel == "email")


def test_erasing_a_customer_deletes_the_emails_sent_and_queued_to_them_and_sends_none_after(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    first, second = create_survey(http, tenant), create_survey(http, tenant)
    with smtp_receiver() as smtp:
        (ola,) = invite(http, tenant, first["id"], {"email": "ola@example.com"}, channel="email")
        invite(http, tenant, first["id"], {"email": "bo@example.com"}, channel="email")
        run_jobs()
        assert sorted(m["To"] for m in smtp.messages) == ["bo@example.com", "ola@example.com"]
        sent = {d.id for d in outbox(session)}
        invite(http, tenant, second["id"], {"email": "ola@example.com"}, channel="email")
        assert emailed_to(session) == ["bo@example.com", "ola@example.com", "ola@example.com"]
        erase(http, tenant, ola["customer_id"])
        assert run_jobs() >= 1  # the erased email's attempt job still runs, and finds nothing to send
    assert sorted(m["To"] for m in smtp.messages) == ["bo@example.com", "ola@example.com"]
    assert emailed_to(session) == ["bo@example.com"]
    kept = {d.id for d in outbox(session)}
    attempts = session.scalars(select(DeliveryAttempt.delivery_id)).all()
    assert set(attempts) == kept and len(sent - kept) == 1


def _queue_rule_webhook(session: Session, tenant: Tenant, feedback_id: str) -> None:
    """A `rule.matched` webhook about one record, shaped as the rule domain's `notify_webhook` sends it."""
    payload: dict[str, Any] = {"title": "Rule matched", "feedback": {"id": feedback_id, "excerpt": "broken"}}
    with writing(session) as writer:
        delivery_service.queue_webhook(writer, tenant.workspace_id, "rule.matched", payload)


def test_erasing_a_customer_deletes_the_webhooks_naming_them_or_their_records_and_no_others(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    with http_receiver() as receiver:
        add_endpoint(http, tenant, receiver.url)
        ola_record = record(http, tenant, customer={"email": "ola@example.com"})
        bo_record = record(http, tenant, customer={"email": "bo@example.com"})
        ola_case = open_case(http, tenant, ola_record)
        bo_case = open_case(http, tenant, bo_record)
        _queue_rule_webhook(session, tenant, ola_record)
        _queue_rule_webhook(session, tenant, bo_record)
        assert len(outbox(session)) == 4
        erase(http, tenant, ola_case["customer_id"])
        run_jobs()
    bodies = [request.body.decode() for request in receiver.received]
    assert len(bodies) == 2
    assert not any(ola_record in body or ola_case["customer_id"] in body for body in bodies)
    assert any(bo_case["customer_id"] in body for body in bodies)
    assert any(bo_record in body for body in bodies)
    assert {d.event_type for d in outbox(session)} == {"case.opened", "rule.matched"}


def test_erasing_a_customer_leaves_another_workspaces_emails_to_the_same_address(
    http: httpx.Client, session: Session
) -> None:
    ours, theirs = make_tenant(session), make_tenant(session)
    (ola,) = invite(
        http, ours, create_survey(http, ours)["id"], {"email": "ola@example.com"}, channel="email"
    )
    invite(http, theirs, create_survey(http, theirs)["id"], {"email": "ola@example.com"}, channel="email")
    erase(http, ours, ola["customer_id"])
    (left,) = outbox(session)
    assert (left.workspace_id, left.message["to"]) == (theirs.workspace_id, "ola@example.com")
