"""The customer page over plain HTTP: who the customer is as the reader's role may see them, their latest
scores, cases and surveys, and their whole timeline a page at a time, filtered by channel and kind, each item
linking to its record or case."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.case.factories import SignIn, customer, make_desk, open_case, record
from tests.factories import Tenant, event, feedback, post, writing

pytestmark = pytest.mark.usefixtures("background_jobs_paused")


def customer_id_of(http: httpx.Client, tenant: Tenant, feedback_id: str) -> str:
    reply = http.get(f"/api/v1/feedback/{feedback_id}", headers=tenant.headers())
    return str(reply.json()["customer_id"])


def store_many(http: httpx.Client, tenant: Tenant, who: dict[str, Any], n: int, **fields: Any) -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    items = [
        feedback(
            customer=who,
            received_at=(start + timedelta(hours=i)).isoformat(),
            text=f"Record number {i:03d}.",
            **fields,
        )
        for i in range(n)
    ]
    reply = post(http, tenant, "/api/v1/feedback/batch", {"items": items})
    assert reply.status_code == 201, reply.text


def entry_ids(html: str) -> list[str]:
    return re.findall(r'<li data-kind="[a-z_]+" data-id="([0-9a-f-]+)"', html)


def older_link(html: str) -> str | None:
    found = re.search(r'rel="next" id="timeline-older" href="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_the_customer_page_shows_who_they_are_their_latest_scores_their_case_and_their_timeline(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    desk = make_desk(session)
    who = customer("Ann Lee", plan="premium", region="north", value=1250.5)
    older = record(
        http,
        desk.admin,
        nps=9,
        channel="chat",
        text="Lovely support.",
        customer=who,
        received_at="2025-02-01T10:00:00Z",
    )
    newest = record(
        http, desk.admin, nps=3, channel="email", customer=who, received_at="2025-03-04T10:00:00Z"
    )
    post(http, desk.admin, "/api/v1/events", event(customer={"email": who["email"]}, type="order_delivered"))
    case = open_case(http, desk.admin, newest, title="Call Ann back")
    customer_id = customer_id_of(http, desk.admin, newest)
    admin = desk.agent("admin")
    page = browser_for(admin.email).get(f"/customers/{customer_id}")
    assert page.status_code == 200
    html = page.text
    assert '<h1 id="customer-name">Ann Lee</h1>' in html and who["email"] in html
    assert 'data-attribute="plan">premium<' in html and 'data-attribute="region">north<' in html
    assert f'href="/feedback/{newest}">3</a>' in html and "2025-03-04" in html  # latest NPS, with its date
    assert f'href="/cases/{case["id"]}">Call Ann back</a>' in html
    timeline = html.split('id="timeline"')[1]
    assert f'href="/feedback/{older}"' in timeline and f'href="/feedback/{newest}"' in timeline
    assert f'<a href="/cases/{case["id"]}">case</a>' in timeline
    assert "order delivered" in timeline
    assert timeline.index(newest) < timeline.index(older)  # newest first
    assert "0 invitations sent, 0 answered" in html


def test_the_timeline_is_read_a_page_at_a_time_newest_first_to_the_oldest(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    desk = make_desk(session)
    who = customer("Bo Diaz")
    store_many(http, desk.admin, who, 120)
    first = record(http, desk.admin, customer=who, received_at="2024-06-01T00:00:00Z")
    client = browser_for(desk.agent("admin").email)
    address: str | None = f"/customers/{customer_id_of(http, desk.admin, first)}"
    pages: list[list[str]] = []
    while address:
        html = client.get(address).text
        pages.append(entry_ids(html))
        address = older_link(html)
    assert [len(p) for p in pages] == [50, 50, 21]
    seen = [i for p in pages for i in p]
    assert len(set(seen)) == 121 and seen[-1] == first
    assert "Record number 119." in client.get(f"/customers/{customer_id_of(http, desk.admin, first)}").text


def test_the_timeline_filters_by_channel_and_by_kind_and_keeps_the_filters_on_older_pages(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    desk = make_desk(session)
    who = customer("Cy Ode")
    store_many(http, desk.admin, who, 60, channel="chat", kind="chat")
    review = record(http, desk.admin, customer=who, channel="web", kind="review", text="Three stars.")
    post(http, desk.admin, "/api/v1/events", event(customer={"email": who["email"]}, channel="web"))
    client = browser_for(desk.agent("admin").email)
    base = f"/customers/{customer_id_of(http, desk.admin, review)}"
    chats = client.get(f"{base}?channel=chat").text
    assert chats.count('data-kind="feedback"') == 50 and "Three stars." not in chats.split('id="timeline"')[1]
    link = older_link(chats)
    assert link is not None and "channel=chat" in link
    assert len(entry_ids(client.get(link).text)) == 10
    web = client.get(f"{base}?channel=web").text
    assert entry_ids(web)[0:2] and 'data-kind="journey_event"' in web and "Three stars." in web
    events = client.get(f"{base}?kind=journey_event").text
    assert len(entry_ids(events)) == 1 and 'data-kind="journey_event"' in events
    reviews = client.get(f"{base}?kind=review").text
    assert entry_ids(reviews) == [review]
    assert client.get(f"{base}?before=yesterday").status_code == 422


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_analysts_and_viewers_see_the_pseudonym_and_attributes_never_names_emails_or_cases(
    http: httpx.Client, session: Session, browser_for: SignIn, role: str
) -> None:
    desk = make_desk(session)
    who = {**customer("Dee Secret", plan="basic"), "phone": "+447700900123"}
    feedback_id = record(http, desk.admin, customer=who)
    open_case(http, desk.admin, feedback_id, title="Private case title")
    customer_id = customer_id_of(http, desk.admin, feedback_id)
    html = browser_for(desk.agent(role).email).get(f"/customers/{customer_id}").text
    assert "Dee Secret" not in html and who["email"] not in html and "7700900123" not in html
    assert "Private case title" not in html
    assert f"Customer C-{customer_id.replace('-', '')[:8].upper()}" in html
    assert 'data-attribute="plan">basic<' in html and 'id="personal-withheld"' in html


def test_an_agent_sees_the_name_and_only_the_cases_they_work(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    desk = make_desk(session)
    me, other = desk.agent(), desk.agent()
    who = customer("Eve Agentseen")
    mine = open_case(http, me, record(http, desk.admin, customer=who, received_at="2025-01-01T00:00:00Z"))
    call_done = record(http, desk.admin, customer=who, received_at="2025-02-01T00:00:00Z")
    html = browser_for(me.email).get(f"/customers/{customer_id_of(http, desk.admin, call_done)}").text
    assert "Eve Agentseen" in html and who["email"] in html
    assert f'href="/cases/{mine["id"]}"' in html
    assert (
        browser_for(other.email)
        .get(f"/customers/{customer_id_of(http, desk.admin, call_done)}")
        .text.count("/cases/" + mine["id"])
        == 0
    )


def test_a_customer_of_another_workspace_is_404(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    ours, theirs = make_desk(session), make_desk(session)
    customer_id = customer_id_of(http, ours.admin, record(http, ours.admin, customer=customer()))
    reply = browser_for(theirs.agent("admin").email).get(f"/customers/{customer_id}")
    assert reply.status_code == 404 and "Customer not found." in reply.text


def analyse(session: Session, workspace_id: uuid.UUID, feedback_id: str, score: float, theme: str) -> None:
    """What text analysis leaves for a record: its sentiment and one sentence in `theme` (made if new)."""
    from voxpop.feedback.models import Feedback
    from voxpop.text.models import TextAnalysis, TextSentence, Theme

    with writing(session) as writer:
        found = writer.scalars(select(Theme).where(Theme.workspace_id == workspace_id, Theme.name == theme))
        chosen = found.first() or Theme(workspace_id=workspace_id, name=theme, origin="manual", centroid=b"")
        writer.add(chosen)
        record = writer.get(Feedback, uuid.UUID(feedback_id))
        assert record is not None
        writer.add(
            TextAnalysis(
                workspace_id=workspace_id,
                feedback_id=record.id,
                version="test",
                language="en",
                supported=True,
                sentiment_label="negative" if score < 0 else "positive",
                sentiment_score=score,
                source_updated_at=record.updated_at,
            )
        )
        writer.flush()
        writer.add(
            TextSentence(
                workspace_id=workspace_id,
                feedback_id=record.id,
                position=0,
                start=0,
                end=5,
                text="words",
                language="en",
                sentiment_score=score,
                embedding=b"",
                theme_id=chosen.id,
            )
        )


def test_the_customer_page_draws_their_sentiment_by_month_and_lists_the_themes_they_raised(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    desk = make_desk(session)
    who = customer("Ivy Trend")
    march = record(http, desk.admin, customer=who, received_at="2025-03-04T10:00:00Z")
    april = record(http, desk.admin, customer=who, received_at="2025-04-04T10:00:00Z")
    may = record(http, desk.admin, customer=who, received_at="2025-05-04T10:00:00Z")
    analyse(session, desk.admin.workspace_id, march, -0.8, "Late delivery")
    analyse(session, desk.admin.workspace_id, april, -0.4, "Late delivery")
    analyse(session, desk.admin.workspace_id, may, 0.6, "Friendly staff")
    html = (
        browser_for(desk.agent("viewer").email)
        .get(f"/customers/{customer_id_of(http, desk.admin, may)}")
        .text
    )
    chart = html.split('id="sentiment-trend"')[1].split("</svg>")[0]
    assert "Mean sentiment -0.80 in 2025-03, +0.60 in 2025-05, over 3 analysed records in 3 months" in chart
    assert chart.count("<circle") == 3
    raised = html.split('id="themes-raised"')[1].split("</ul>")[0]
    assert raised.index("Late delivery") < raised.index("Friendly staff")
    assert "Late delivery</a> · 2 records" in raised and "-0.60" in raised and "last 2025-04-04" in raised
