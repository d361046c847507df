"""Email invitations through a real SMTP server (aiosmtpd) in the test process: text and HTML parts from the
templates, the first question's scale as one-click links, a working unsubscribe link, and followed in a real
browser (JavaScript on and off, phone and desktop) through to the thank-you page."""

from __future__ import annotations

import re
from email.message import Message

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.delivery.factories import run_jobs, smtp_receiver
from tests.factories import make_tenant
from tests.survey.factories import create_survey
from tests.survey.test_browser import blocking_violations, survey_page  # noqa: F401
from tests.survey.test_distribution import invite
from voxpop.feedback.models import Feedback

pytestmark = pytest.mark.usefixtures("background_jobs_paused")


def part(message: Message, kind: str) -> str:
    for piece in message.walk():
        if piece.get_content_type() == kind:
            payload = piece.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode().replace("\r\n", "\n")
    raise AssertionError(f"no {kind} part")


def emailed(http: httpx.Client, session: Session, **extra: object) -> tuple[dict[str, str], Message, str]:
    """A survey, one customer invited by email, and the message the SMTP server received."""
    tenant = make_tenant(session)
    survey = create_survey(http, tenant)
    with smtp_receiver() as receiver:
        (link,) = invite(
            http,
            tenant,
            survey["id"],
            {"email": "fay@example.com", "name": "Fay Wu"},
            channel="email",
            **extra,
        )
        assert run_jobs() >= 1
    (message,) = receiver.messages
    return link, message, survey["slug"]


def test_the_invitation_has_both_parts_the_personal_link_and_an_unsubscribe_link(
    http: httpx.Client, session: Session
) -> None:
    link, message, _ = emailed(http, session)
    assert message["To"] == "fay@example.com"
    assert message["Subject"] == "Delivery survey: one quick question"
    text = part(message, "text/plain")
    assert text.startswith("Hello Fay,\n\nHow likely are you to recommend us?")
    assert f"{link['path']}" in text
    html = part(message, "text/html")
    assert html.count(f"?t={link['token']}&amp;q_nps=") == 11
    unsubscribe = re.search(r"<(http://[^>]+/s/unsubscribe/[^>]+)>", message["List-Unsubscribe"])
    assert unsubscribe is not None and unsubscribe.group(1) in text


def test_editable_templates_shape_the_message(http: httpx.Client, session: Session) -> None:
    template = {"subject": "Hi {first_name}!", "text": "{question} {link} stop: {unsubscribe}", "html": None}
    _, message, _ = emailed(http, session, email=template)
    assert message["Subject"] == "Hi Fay!"
    assert message.get_content_type() == "text/plain"


def test_an_unsubscribed_customer_is_never_invited_again(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    first, second = create_survey(http, tenant), create_survey(http, tenant)
    with smtp_receiver() as receiver:
        invite(http, tenant, first["id"], {"email": "gus@example.com"}, channel="email")
        run_jobs()
        unsubscribe_url = re.search(r"<([^>]+)>", receiver.messages[0]["List-Unsubscribe"]).group(1)  # type: ignore[union-attr]
        assert "Unsubscribe" in http.get(unsubscribe_url).text
        confirmed = http.post(unsubscribe_url)
        assert confirmed.status_code == 200 and 'id="unsubscribed"' in confirmed.text
        (refused,) = invite(http, tenant, second["id"], {"email": "gus@example.com"}, channel="email")
        run_jobs()
    assert refused["suppressed_by"] == "unsubscribed" and refused["token"] is None
    assert len(receiver.messages) == 1


def test_an_email_invitation_needs_an_address(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    survey = create_survey(http, tenant)
    reply = http.post(
        f"/api/v1/surveys/{survey['id']}/invitations",
        json={"customers": [{"email": "h@example.com"}, {"external_id": "c-9"}], "channel": "email"},
        headers=tenant.headers(),
    )
    assert reply.status_code == 422
    assert reply.json()["error"]["problems"] == [
        {"field": "customers[1].email", "reason": "is needed to send an email invitation"}
    ]


def test_the_funnel_counts_delivered_emails(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    survey = create_survey(http, tenant)
    with smtp_receiver() as receiver:
        receiver.replies["bad@example.com"] = ["550 no such user"]
        invite(
            http,
            tenant,
            survey["id"],
            {"email": "ok@example.com"},
            {"email": "bad@example.com"},
            channel="email",
        )
        run_jobs()
    figures = http.get(f"/api/v1/surveys/{survey['id']}/funnel", headers=tenant.headers()).json()
    (email,) = figures["channels"]
    assert (email["invited"], email["delivered"], email["bounced"]) == (2, 1, 1)


@pytest.mark.browser
def test_one_click_on_the_emailed_scale_opens_the_survey_with_that_answer(
    survey_page: tuple[Page, bool],  # noqa: F811
    http: httpx.Client,
    session: Session,
) -> None:
    page, js = survey_page
    _, message, slug = emailed(http, session)
    nine = re.search(r'href="([^"]+q_nps=9)"', part(message, "text/html"))
    assert nine is not None
    page.goto(nine.group(1).replace("&amp;", "&"))
    expect(page.get_by_role("radio", name="9", exact=True)).to_be_checked()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("What did you like?").fill("Quick and friendly.")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#thanks")).to_be_visible()
    assert blocking_violations(page, js) == []
    unsubscribe = re.search(r"<([^>]+)>", message["List-Unsubscribe"])
    assert unsubscribe is not None
    page.goto(unsubscribe.group(1))
    assert blocking_violations(page, js) == []
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.locator("#unsubscribed")).to_be_visible()
    session.rollback()
    record = session.scalars(select(Feedback).where(Feedback.source == f"survey:{slug}")).one()
    assert (record.nps, record.text, record.channel) == (9, "Quick and friendly.", "email")
