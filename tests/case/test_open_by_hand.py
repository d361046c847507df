"""Opening a case by hand, over plain HTTP: the form is prefilled from the record, the assignee, team and
priority are picked, the case opens like any other (audited, with its case.opened webhook), the form needs
its CSRF token and a role that works cases, and a refusal comes back beside its field. The inbox's "New case"
finds a record by id or a customer by email."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.case.factories import SignIn, call, customer, make_desk, make_team, open_case, record
from tests.delivery.factories import http_receiver, run_jobs
from tests.factories import csrf_token_in

pytestmark = pytest.mark.usefixtures("background_jobs_paused")


def open_form(client: httpx.Client, query: str) -> httpx.Response:
    reply = client.get(f"/cases/new?{query}")
    assert reply.status_code == 200, reply.text
    return reply


def submit(client: httpx.Client, feedback_id: str, **fields: str) -> httpx.Response:
    token = csrf_token_in(client.get(f"/cases/new?feedback_id={feedback_id}").text)
    return client.post("/cases/new", data={"feedback_id": feedback_id, "csrf_token": token, **fields})


def test_an_admin_opens_a_case_from_a_record_with_a_picked_assignee_team_and_priority(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    desk = make_desk(session)
    agent = desk.agent()
    team = make_team(http, desk.admin, "Returns", agent)
    admin = desk.agent("admin")
    feedback_id = record(http, desk.admin, nps=2, customer=customer())
    client = browser_for(admin.email)
    form = open_form(client, f"feedback_id={feedback_id}")
    assert 'value="The parcel came broken and nobody answered my emails."' in form.text
    agent_id = _user_id(client, agent.email)
    with http_receiver() as receiver:
        call(http, desk.admin, "POST", "/api/v1/webhooks", 201, url=receiver.url, event_types=["case.*"])
        reply = submit(
            client,
            feedback_id,
            title="Call back about the broken parcel",
            priority="urgent",
            assignee_id=agent_id,
            team_id=team["id"],
        )
        assert reply.status_code == 303
        case_id = reply.headers["location"].rsplit("/", 1)[1]
        run_jobs()
    case = call(http, desk.admin, "GET", f"/api/v1/cases/{case_id}")
    assert case["title"] == "Call back about the broken parcel"
    assert (case["priority"], case["assignee_id"], case["team_id"]) == ("urgent", agent_id, team["id"])
    assert case["feedback_ids"] == [feedback_id] and case["detractor"] is True
    assert case["first_contact_due"] is not None
    assert [e["kind"] for e in case["events"]] == ["opened", "assigned"]
    opened = [json.loads(r.body) for r in receiver.received]
    assert [b["type"] for b in opened] == ["case.opened"] and opened[0]["data"]["case"]["id"] == case_id
    log = call(http, desk.admin, "GET", "/api/v1/audit?action=case.open")["items"]
    assert [(e["target_id"], e["actor_name"]) for e in log] == [(case_id, admin.email)]


def test_an_agent_who_picks_nobody_takes_the_case_and_the_title_defaults_to_the_record(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    desk = make_desk(session)
    agent = desk.agent()
    feedback_id = record(http, desk.admin, customer=customer())
    client = browser_for(agent.email)
    reply = submit(client, feedback_id, title="", priority="normal")
    assert reply.status_code == 303
    case = call(http, desk.admin, "GET", reply.headers["location"].replace("/cases", "/api/v1/cases"))
    assert case["title"] == "The parcel came broken and nobody answered my emails."
    assert case["assignee_id"] == _user_id(client, agent.email)
    assert client.get("/cases").text.count(case["title"]) == 1


def test_an_agent_may_not_hand_a_new_case_to_someone_outside_their_teams_and_is_told_beside_the_field(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    desk = make_desk(session)
    agent, stranger = desk.agent(), desk.agent()
    feedback_id = record(http, desk.admin, customer=customer())
    client = browser_for(agent.email)
    reply = submit(client, feedback_id, priority="high", assignee_id=_user_id(client, stranger.email))
    assert reply.status_code == 403
    assert 'id="assignee_id-error"' in reply.text
    assert "agents may assign cases only to themselves, their teams and their team mates" in reply.text
    assert '<nav aria-label="Main">' in reply.text  # inside the layout
    assert call(http, desk.admin, "GET", "/api/v1/cases") == []
    bad = submit(client, feedback_id, priority="whenever")
    assert bad.status_code == 422 and 'id="priority-error"' in bad.text


def test_the_form_needs_its_csrf_token_and_a_role_that_works_cases(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    desk = make_desk(session)
    agent, analyst = desk.agent(), desk.agent("analyst")
    feedback_id = record(http, desk.admin, customer=customer())
    refused = browser_for(agent.email).post("/cases/new", data={"feedback_id": feedback_id})
    assert refused.status_code == 403
    reader = browser_for(analyst.email)
    page = reader.get(f"/cases/new?feedback_id={feedback_id}")
    assert page.status_code == 403 and "may not open cases" in page.text
    assert 'id="open-case"' not in reader.get(f"/feedback/{feedback_id}").text
    assert call(http, desk.admin, "GET", "/api/v1/cases") == []


def test_the_new_case_form_finds_a_customers_latest_record_by_email_and_says_when_nothing_matches(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    desk = make_desk(session)
    agent = desk.agent()
    who = customer()
    record(http, desk.admin, customer=who, received_at="2025-03-01T10:00:00Z", text="Old news.")
    latest = record(http, desk.admin, customer=who, received_at="2025-03-05T10:00:00Z", text="Late again.")
    client = browser_for(agent.email)
    assert 'action="/cases/new"' in client.get("/cases").text
    form = open_form(client, f"find={who['email']}")
    assert f'name="feedback_id" value="{latest}"' in form.text and 'value="Late again."' in form.text
    missing = client.get("/cases/new?find=nobody@example.com")
    assert missing.status_code == 404 and 'id="find-error"' in missing.text


def test_a_record_already_in_a_case_links_to_it_and_a_customer_with_an_open_case_is_told_it_joins(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    desk = make_desk(session)
    who = customer()
    first = record(http, desk.admin, customer=who)
    second = record(http, desk.admin, customer=who, text="Still nothing.")
    case = open_case(http, desk.admin, first, title="The first one")
    client = browser_for(desk.agent("admin").email)
    already = open_form(client, f"feedback_id={first}")
    assert "This record is already in a case" in already.text and 'action="/cases/new"' not in already.text
    joins = open_form(client, f"feedback_id={second}")
    assert "the record joins it" in joins.text and f'href="/cases/{case["id"]}"' in joins.text
    reply = submit(client, second)
    assert reply.status_code == 303 and reply.headers["location"] == f"/cases/{case['id']}"


def _user_id(client: httpx.Client, email: str) -> Any:
    """A member's id, as the inbox's assignee filter offers it."""
    html = client.get("/cases").text
    found = re.search(rf'<option value="([0-9a-f-]+)"[^>]*>{re.escape(email)}</option>', html)
    assert found is not None, f"{email} is not offered"
    return found.group(1)
