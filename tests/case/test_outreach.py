"""What a case sends and shows: the follow-up email from a template and the @-mention emails, both received
by a real SMTP server; templates refuse unknown placeholders; the customer's timeline spans channels;
saved views keep a user's filters."""

from __future__ import annotations

from email.message import Message

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.case.factories import call, customer, make_desk, move, open_case, record
from tests.delivery.factories import Clock, run_jobs, smtp_receiver
from tests.factories import event, post

pytestmark = pytest.mark.usefixtures("background_jobs_paused")


def body_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode().replace("\r\n", "\n")


def test_the_follow_up_email_fills_the_template_for_the_customer_and_marks_the_case_contacted(
    http: httpx.Client, session: Session
) -> None:
    desk = make_desk(session)
    who = customer("Ann Lee")
    case = open_case(http, desk.admin, record(http, desk.admin, customer=who))
    template = call(
        http,
        desk.admin,
        "POST",
        "/api/v1/case-templates",
        201,
        name="Sorry",
        subject="About your parcel, {first_name}",
        body="Dear {first_name},\nyou wrote: {record_text}\nWe are on it.",
    )
    with smtp_receiver() as smtp:
        sent = call(
            http, desk.admin, "POST", f"/api/v1/cases/{case['id']}/email", 202, template_id=template["id"]
        )
        run_jobs()
    [message] = smtp.messages
    assert message["To"] == who["email"] and message["Subject"] == "About your parcel, Ann"
    assert body_of(message).strip() == (
        "Dear Ann,\nyou wrote: The parcel came broken and nobody answered my emails.\nWe are on it."
    )
    after = call(http, desk.admin, "GET", f"/api/v1/cases/{case['id']}")
    assert after["status"] == "contacted" and after["first_contacted_at"] is not None
    assert after["events"][1]["details"] == {"delivery_id": sent["delivery_id"], "to": who["email"]}
    call(http, desk.admin, "DELETE", f"/api/v1/customers/{after['customer_id']}")
    audit_log = http.get("/api/v1/audit", params={"limit": 500}, headers=desk.admin.headers())
    assert audit_log.status_code == 200 and "case.email" in audit_log.text
    assert who["email"] not in audit_log.text  # the erased customer's address stays nowhere


def test_a_customer_without_an_email_address_cannot_be_emailed(http: httpx.Client, session: Session) -> None:
    desk = make_desk(session)
    case = open_case(http, desk.admin, record(http, desk.admin, customer={"phone": "+44 20 7946 0000"}))
    error = call(http, desk.admin, "POST", f"/api/v1/cases/{case['id']}/email", 409)["error"]
    assert error["message"] == "the customer has no email address"
    assert call(http, desk.admin, "GET", f"/api/v1/cases/{case['id']}")["status"] == "new"


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("body", "Hi {name}", "unknown placeholder {name}; use {first_name}, {record_text}"),
        ("subject", "Hi\nthere", "must be one line (no line breaks)"),
    ],
)
def test_a_template_with_an_unknown_placeholder_or_a_broken_subject_is_refused(
    http: httpx.Client, session: Session, field: str, value: str, reason: str
) -> None:
    desk = make_desk(session)
    fields = {"name": "Sorry", "subject": "Sorry", "body": "Hello", field: value}
    error = call(http, desk.admin, "POST", "/api/v1/case-templates", 422, **fields)["error"]
    assert error["problems"] == [{"field": field, "reason": reason}]
    assert call(http, desk.admin, "GET", "/api/v1/case-templates") == []


def test_a_mentioned_colleague_is_emailed_a_link_and_finds_the_case_in_their_inbox(
    http: httpx.Client, session: Session
) -> None:
    desk = make_desk(session)
    mentioned = desk.agent(email="bea.stone@example.com")
    case = open_case(http, desk.admin, record(http, desk.admin, customer=customer()))
    with smtp_receiver() as smtp:
        reply = call(
            http,
            desk.admin,
            "POST",
            f"/api/v1/cases/{case['id']}/notes",
            201,
            text="@bea.stone can you call her?",
        )
        run_jobs()
    assert reply == {"mentioned": [mentioned.email]}
    [message] = smtp.messages
    assert message["To"] == mentioned.email and "mentioned you on a case" in message["Subject"]
    assert f"/cases/{case['id']}" in body_of(message)
    assert [c["id"] for c in call(http, mentioned, "GET", "/api/v1/cases?mentioned=true")] == [case["id"]]
    assert call(http, mentioned, "GET", "/api/v1/cases?mine=true") == []
    move(http, mentioned, case["id"], "contacted")  # a mention invites them in
    admin_view = call(http, desk.admin, "GET", f"/api/v1/cases/{case['id']}")
    assert admin_view["events"][1]["details"] == {
        "text": "@bea.stone can you call her?",
        "mentions": [mentioned.email],
    }


def test_personal_data_in_a_note_is_redacted_and_its_mention_still_reaches_the_colleague(
    http: httpx.Client, session: Session
) -> None:
    desk = make_desk(session)
    mentioned = desk.agent(email="bea.stone@example.com")
    case = open_case(http, desk.admin, record(http, desk.admin, customer=customer()))
    text = "@bea.stone she paid with 4111 1111 1111 1111, call her on +1 415 555 2671"
    with smtp_receiver() as smtp:
        reply = call(http, desk.admin, "POST", f"/api/v1/cases/{case['id']}/notes", 201, text=text)
        run_jobs()
    assert reply == {"mentioned": [mentioned.email]}
    note = call(http, desk.admin, "GET", f"/api/v1/cases/{case['id']}")["events"][1]["details"]
    assert note == {
        "text": "@bea.stone she paid with [card], call her on [phone]",
        "mentions": [mentioned.email],
    }
    [message] = smtp.messages
    assert "[card]" in body_of(message) and "4111" not in body_of(message)


def test_mentioning_someone_who_is_not_a_member_is_refused_and_adds_no_note(
    http: httpx.Client, session: Session
) -> None:
    desk = make_desk(session)
    case = open_case(http, desk.admin, record(http, desk.admin, customer=customer()))
    error = call(http, desk.admin, "POST", f"/api/v1/cases/{case['id']}/notes", 422, text="ask @nobody")[
        "error"
    ]
    assert error["problems"] == [{"field": "text", "reason": "@nobody is no member of this workspace"}]
    desk.agent("analyst", email="ana@example.com")
    path = f"/api/v1/cases/{case['id']}/notes"
    error = call(http, desk.admin, "POST", path, 422, text="@ana, can you look?")["error"]
    assert error["problems"] == [{"field": "text", "reason": "@ana is an analyst, who cannot open cases"}]
    assert [e["kind"] for e in call(http, desk.admin, "GET", f"/api/v1/cases/{case['id']}")["events"]] == [
        "opened"
    ]


def test_the_timeline_shows_the_customers_records_and_journey_events_on_every_channel_newest_first(
    http: httpx.Client, session: Session
) -> None:
    desk = make_desk(session)
    who = customer()
    post(
        http,
        desk.admin,
        "/api/v1/events",
        event(customer={"email": who["email"]}, occurred_at="2025-03-01T09:00:00Z"),
    )
    record(http, desk.admin, nps=9, channel="chat", customer=who, received_at="2025-02-01T09:00:00Z")
    case = open_case(
        http, desk.admin, record(http, desk.admin, customer=who, received_at="2025-03-02T09:00:00Z")
    )
    entries = call(http, desk.admin, "GET", f"/api/v1/cases/{case['id']}/timeline")
    assert [(e["kind"], e["channel"], e["at"][:10]) for e in entries] == [
        ("feedback", "email", "2025-03-02"),
        ("journey_event", "web", "2025-03-01"),
        ("feedback", "chat", "2025-02-01"),
    ]
    assert entries[2]["scores"] == {"nps": 9.0}


def test_a_saved_view_keeps_a_users_filters_and_lists_what_they_select(
    http: httpx.Client, session: Session
) -> None:
    Clock()
    desk = make_desk(session)
    agent = desk.agent()
    urgent = open_case(http, agent, record(http, desk.admin, customer=customer()), priority="urgent")
    open_case(http, agent, record(http, desk.admin, customer=customer()))
    view = call(
        http,
        agent,
        "POST",
        "/api/v1/case-views",
        201,
        name="Urgent",
        filters={"priority": "urgent", "mine": True},
    )
    assert view["filters"] == {"priority": "urgent", "mine": True}
    assert [c["id"] for c in call(http, agent, "GET", f"/api/v1/cases?view_id={view['id']}")] == [
        urgent["id"]
    ]
    someone_else = desk.agent()
    assert call(http, someone_else, "GET", "/api/v1/case-views") == []
    call(http, someone_else, "GET", f"/api/v1/cases?view_id={view['id']}", 404)
    error = call(http, agent, "POST", "/api/v1/case-views", 422, name="Bad", filters={"sla": "late"})["error"]
    assert error["problems"][0]["field"] == "filters.sla"
