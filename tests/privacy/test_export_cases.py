"""A customer's export holds their cases too: each case with its records and its whole history, the notes
written about them, and the emails sent to them."""

from __future__ import annotations

import httpx
from sqlalchemy.orm import Session

from tests.case.factories import call, customer, make_desk, open_case, record


def test_the_export_holds_their_cases_with_notes_and_the_messages_sent_to_them(
    http: httpx.Client, session: Session
) -> None:
    desk = make_desk(session)
    who = customer("Ola Nordmann")
    feedback_id = record(http, desk.admin, customer=who)
    case = open_case(http, desk.admin, feedback_id)
    call(
        http, desk.admin, "POST", f"/api/v1/cases/{case['id']}/notes", 201, text="Called back, parcel resent."
    )
    sent = call(http, desk.admin, "POST", f"/api/v1/cases/{case['id']}/email", 202)
    document = call(http, desk.admin, "GET", f"/api/v1/customers/{case['customer_id']}/export")
    (exported,) = document["cases"]
    assert exported["id"] == case["id"] and exported["feedback_ids"] == [feedback_id]
    notes = [e["details"]["text"] for e in exported["events"] if e["kind"] == "note"]
    assert notes == ["Called back, parcel resent."]
    assert "email_sent" in [e["kind"] for e in exported["events"]]
    (message,) = document["messages"]
    assert message["id"] == sent["delivery_id"] and message["to"] == who["email"]
    assert message["subject"] and message["text"]


def test_a_customer_without_cases_or_messages_exports_empty_lists(
    http: httpx.Client, session: Session
) -> None:
    desk = make_desk(session)
    record(http, desk.admin, customer=customer())
    (listed,) = call(http, desk.admin, "GET", "/api/v1/customers")
    document = call(http, desk.admin, "GET", f"/api/v1/customers/{listed['id']}/export")
    assert document["cases"] == [] and document["messages"] == []
