"""The case pages over plain HTTP: the inbox shows what the signed-in person may work, a case page shows the
timeline and takes forms (with CSRF tokens), refusals come back on the page, readers get the report."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.case.factories import SignIn, call, customer, make_desk, move, open_case, record
from tests.factories import csrf_token_in, feedback

pytestmark = pytest.mark.usefixtures("background_jobs_paused")


def test_an_agent_sees_only_their_cases_in_the_inbox_and_another_case_is_404(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    desk = make_desk(session)
    me, other = desk.agent(), desk.agent()
    mine = open_case(http, me, record(http, desk.admin, customer=customer()), title="Mine to call")
    theirs = open_case(http, other, record(http, desk.admin, customer=customer()), title="Not mine")
    client = browser_for(me.email)
    inbox = client.get("/cases")
    assert inbox.status_code == 200
    assert "Mine to call" in inbox.text and "Not mine" not in inbox.text
    assert client.get(f"/cases/{mine['id']}").status_code == 200
    assert client.get(f"/cases/{theirs['id']}").status_code == 404


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_readers_are_sent_from_the_inbox_to_the_recovery_report(
    session: Session, browser_for: SignIn, role: str
) -> None:
    desk = make_desk(session)
    reader = desk.agent(role)
    client = browser_for(reader.email)
    reply = client.get("/cases", follow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"] == "/cases/report"
    report = client.get("/cases/report")
    assert report.status_code == 200 and "Recovery rate" in report.text


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    desk = make_desk(session)
    me = desk.agent()
    case = open_case(http, me, record(http, desk.admin, customer=customer()))
    client = browser_for(me.email)
    reply = client.post(f"/cases/{case['id']}/status", data={"status": "contacted"})
    assert reply.status_code == 403
    assert call(http, desk.admin, "GET", f"/api/v1/cases/{case['id']}")["status"] == "new"


def test_a_refused_move_comes_back_on_the_case_page_with_the_reason(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    desk = make_desk(session)
    me = desk.agent()
    case = open_case(http, me, record(http, desk.admin, customer=customer()))
    client = browser_for(me.email)
    page = client.get(f"/cases/{case['id']}")
    reply = client.post(
        f"/cases/{case['id']}/status", data={"status": "closed", "csrf_token": csrf_token_in(page.text)}
    )
    assert reply.status_code == 409
    assert "a new case cannot become closed; it can become: contacted" in reply.text
    reply = client.post(
        f"/cases/{case['id']}/notes", data={"text": "ask @ghost", "csrf_token": csrf_token_in(page.text)}
    )
    assert reply.status_code == 422 and "text: @ghost is no member of this workspace" in reply.text


def test_the_inbox_filters_by_sla_and_saves_the_filters_as_a_named_view(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    desk = make_desk(session)
    me = desk.agent()
    urgent = open_case(
        http, me, record(http, desk.admin, customer=customer()), title="Urgent one", priority="urgent"
    )
    open_case(http, me, record(http, desk.admin, customer=customer()), title="Calm one")
    client = browser_for(me.email)
    filtered = client.get("/cases?priority=urgent&status=")
    assert "Urgent one" in filtered.text and "Calm one" not in filtered.text
    saved = client.post(
        "/cases/views",
        data={
            "name": "Urgent",
            "filters": '{"priority": "urgent"}',
            "csrf_token": csrf_token_in(filtered.text),
        },
        follow_redirects=True,
    )
    assert saved.status_code == 200 and "Urgent one" in saved.text and "Calm one" not in saved.text
    assert ">Urgent</a>" in client.get("/cases").text
    bad = client.get("/cases?sla=late")
    assert bad.status_code == 422 and "sla: Input should be" in bad.text
    move(http, me, urgent["id"], "contacted")


def test_the_case_page_shows_the_customers_timeline_and_its_history(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    desk = make_desk(session)
    me = desk.agent()
    who = customer()
    record(http, desk.admin, nps=9, channel="chat", text="Lovely support last year.", customer=who)
    case = open_case(http, me, record(http, desk.admin, customer=who))
    client = browser_for(me.email)
    page = client.get(f"/cases/{case['id']}").text
    assert "Lovely support last year." in page and "The parcel came broken" in page
    assert page.index("The parcel came broken") < page.index("Lovely support last year.")  # newest first
    assert "opened" in page.split('id="history"')[1]


def test_an_admin_of_another_workspace_gets_404_for_a_case_page_and_sees_none_of_its_cases(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    ours, theirs = make_desk(session), make_desk(session)
    case = open_case(http, ours.admin, record(http, ours.admin, customer=customer()), title="Our customer")
    their_admin = theirs.agent("admin")
    client = browser_for(their_admin.email)
    assert client.get(f"/cases/{case['id']}").status_code == 404
    assert "Our customer" not in client.get("/cases").text
    page = client.get("/cases")
    reply = client.post(
        f"/cases/{case['id']}/notes", data={"text": "hi", "csrf_token": csrf_token_in(page.text)}
    )
    assert reply.status_code == 404
    assert [e["kind"] for e in call(http, ours.admin, "GET", f"/api/v1/cases/{case['id']}")["events"]] == [
        "opened"
    ]


def test_the_case_page_says_who_the_customer_is_and_pages_their_timeline_linking_each_record(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    desk = make_desk(session)
    me = desk.agent()
    who = customer("Flo Header", plan="premium", region="south", value=980)
    items = [
        {
            **feedback(customer=who, nps=None, text=f"Chat number {i}."),
            "received_at": f"2024-01-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
        }
        for i in range(60)
    ]
    assert (
        http.post("/api/v1/feedback/batch", json={"items": items}, headers=desk.admin.headers()).status_code
        == 201
    )
    case_record = record(http, desk.admin, nps=2, customer=who, received_at="2025-06-01T10:00:00Z")
    case = open_case(http, me, case_record)
    client = browser_for(me.email)
    html = client.get(f"/cases/{case['id']}").text
    header = html.split('id="customer-header"')[1].split("</section>")[0]
    assert "Flo Header" in header and who["email"] in header
    assert 'data-attribute="plan">premium<' in header and 'data-attribute="region">south<' in header
    assert f'href="/feedback/{case_record}">2</a>' in header and "2025-06-01" in header
    timeline = html.split('id="timeline"')[1]
    assert timeline.count('data-kind="feedback"') == 50 and "this case" in timeline
    assert f'href="/feedback/{case_record}"' in timeline
    older = re.search(r'id="timeline-older" href="([^"]+)"', timeline)
    assert older is not None
    rest = client.get(older.group(1).replace("&amp;", "&")).text.split('id="timeline"')[1]
    assert rest.count('data-kind="feedback"') == 11 and 'id="timeline-older"' not in rest
