"""Personal data is redacted where a record enters (setting TEXT_REDACT_SOURCE, on by default): card numbers,
emails and phones in a record's title, text and attribute values never reach the database, so nothing that
copies the record (a case opened at once, its webhook) can carry them."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.case.factories import call, open_case
from tests.delivery.factories import http_receiver, run_jobs, settings
from tests.factories import feedback, make_tenant, post
from voxpop.feedback.models import Feedback

CARD, PHONE, EMAIL = "4111 1111 1111 1111", "+1 415 555 2671", "dave.brown@example.com"
RAW = ("4111", "555 2671", "dave.brown")


def stored_row(session: Session, feedback_id: str) -> Feedback:
    session.rollback()
    return session.scalars(select(Feedback).where(Feedback.id == uuid.UUID(feedback_id))).one()


def test_a_records_title_text_and_attribute_values_are_stored_redacted(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    body = feedback(
        title=f"Card {CARD} charged twice",
        text=f"My name is Dave Brown. Call me on {PHONE} or write to {EMAIL}.",
        attributes={"note": f"paid with {CARD}", "contact": EMAIL, "order": 1234, "gift": False},
    )
    created = post(http, tenant, "/api/v1/feedback", body).json()
    row = stored_row(session, created["id"])
    assert row.title == "Card [card] charged twice"
    assert row.text == "My name is [name]. Call me on [phone] or write to [email]."
    assert row.attributes == {"note": "paid with [card]", "contact": "[email]", "order": 1234, "gift": False}
    again = post(http, tenant, "/api/v1/feedback", body).json()
    assert (again["id"], again["status"]) == (created["id"], "updated")  # the same record


def test_a_record_without_an_id_sent_twice_is_stored_once_although_its_text_is_redacted(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    body = feedback(external_id=None, text=f"Call me on {PHONE}.")
    first, second = (post(http, tenant, "/api/v1/feedback", body).json() for _ in range(2))
    assert (second["id"], second["status"]) == (first["id"], "updated")


@pytest.mark.usefixtures("background_jobs_paused")
def test_a_case_opened_right_after_the_record_arrives_carries_no_card_number(
    http: httpx.Client, session: Session
) -> None:
    """Before its text is analysed: the case title and the case.opened webhook copy the record as stored."""
    tenant = make_tenant(session)
    with http_receiver() as receiver:
        call(http, tenant, "POST", "/api/v1/webhooks", 201, url=receiver.url, event_types=["case.*"])
        text = f"My card {CARD} was charged twice, call {PHONE}."
        record_id = post(http, tenant, "/api/v1/feedback", feedback(text=text)).json()["id"]
        case = open_case(http, tenant, record_id)
        assert case["title"] == "My card [card] was charged twice, call [phone]."
        run_jobs()
    (opened,) = [json.loads(r.body) for r in receiver.received if json.loads(r.body)["type"] == "case.opened"]
    assert not [raw for raw in RAW if raw in json.dumps(opened)]
    assert "[card]" in json.dumps(opened)


def test_with_the_setting_off_a_record_is_stored_as_sent(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    with settings(text_redact_source="false"):
        created = post(http, tenant, "/api/v1/feedback", feedback(title=f"Card {CARD}", text=None)).json()
    assert stored_row(session, created["id"]).title == f"Card {CARD}"
