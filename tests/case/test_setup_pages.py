"""The cases set-up page over plain HTTP: an admin manages teams and members, codes, follow-up templates and
the SLA policy with plain forms; each change shows through the API and is audited as the API's would be;
a refused form comes back with the problem beside its field; other roles are refused; another workspace's
team answers 404. In Chromium, an admin sets up a team and codes, and axe-core finds nothing serious."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.case.factories import Desk, SignIn, call, make_desk, make_team
from tests.factories import Tenant, csrf_token_in
from tests.survey.test_browser import blocking_violations
from tests.web.test_browser import sign_in as sign_in_page


def submit(client: httpx.Client, path: str, **fields: str) -> httpx.Response:
    """Post a form of the set-up page as a browser would: with the page's CSRF token, not following the
    redirect."""
    fields["csrf_token"] = csrf_token_in(client.get("/cases/setup").text)
    return client.post(path, data=fields)


def back_on_the_page(reply: httpx.Response, section: str) -> None:
    assert reply.status_code == 303, reply.text
    assert reply.headers["location"] == f"/cases/setup#{section}"


def beside(html: str, field_id: str) -> str:
    """The error shown beside a field (the element its aria-describedby names)."""
    found = re.search(rf'<span id="{field_id}-error" class="error">([^<]*)</span>', html)
    assert found is not None, f"no error beside {field_id}"
    assert re.search(rf'id="{field_id}"[^>]*aria-invalid="true"', html), f"{field_id} is not marked invalid"
    return found.group(1)


def audit_actions(http: httpx.Client, admin: Tenant, prefix: str) -> list[tuple[str, str, dict[str, Any]]]:
    items = http.get("/api/v1/audit", headers=admin.headers()).json()["items"]
    return [
        (e["action"], e["actor_name"], e["details"])
        for e in reversed(items)
        if e["action"].startswith(prefix)
    ]


def admin_of(session: Session) -> tuple[Desk, str]:
    desk = make_desk(session)
    return desk, desk.agent("admin").email


def test_an_admin_creates_a_team_adds_and_removes_a_member_and_each_change_is_audited(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    desk, admin = admin_of(session)
    agent, analyst = desk.agent(), desk.agent("analyst")
    client = browser_for(admin)
    back_on_the_page(submit(client, "/cases/setup/teams", name="North desk"), "teams")
    [team] = call(http, desk.admin, "GET", "/api/v1/case-teams")
    assert team["name"] == "North desk" and team["members"] == []

    page = client.get("/cases/setup").text
    choices = re.search(rf'<select id="member-{team["id"]}-email".*?</select>', page, re.S)
    assert choices is not None
    assert agent.email in choices.group(0) and admin in choices.group(0)
    assert analyst.email not in choices.group(0)  # analysts do not work cases

    back_on_the_page(submit(client, f"/cases/setup/teams/{team['id']}/members", email=agent.email), "teams")
    assert call(http, desk.admin, "GET", "/api/v1/case-teams")[0]["members"] == [agent.email]
    user_id = re.search(r'/members/([0-9a-f-]+)/remove"', client.get("/cases/setup").text)
    assert user_id is not None
    back_on_the_page(
        submit(client, f"/cases/setup/teams/{team['id']}/members/{user_id.group(1)}/remove"), "teams"
    )
    assert call(http, desk.admin, "GET", "/api/v1/case-teams")[0]["members"] == []
    assert audit_actions(http, desk.admin, "case_team.") == [
        ("case_team.create", admin, {"name": "North desk"}),
        ("case_team.add_member", admin, {"email": agent.email}),
        ("case_team.remove_member", admin, {"user_id": user_id.group(1)}),
    ]


def test_a_second_team_of_the_same_name_is_refused_beside_the_name(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    desk, admin = admin_of(session)
    make_team(http, desk.admin, "North desk")
    reply = submit(browser_for(admin), "/cases/setup/teams", name="North desk")
    assert reply.status_code == 409
    assert beside(reply.text, "team-name") == "a team named &#39;North desk&#39; already exists"
    assert 'value="North desk"' in reply.text  # what was typed stays in the field
    assert len(call(http, desk.admin, "GET", "/api/v1/case-teams")) == 1


def test_an_admin_adds_and_removes_codes_and_a_malformed_code_is_refused_beside_it(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    desk, admin = admin_of(session)
    client = browser_for(admin)
    back_on_the_page(
        submit(client, "/cases/setup/codes", kind="root_cause", code="courier", label="Courier damage"),
        "codes",
    )
    back_on_the_page(
        submit(client, "/cases/setup/codes", kind="resolution", code="refund", label="Refund"), "codes"
    )
    codes = call(http, desk.admin, "GET", "/api/v1/case-codes")
    assert {(c["kind"], c["code"], c["label"]) for c in codes} == {
        ("root_cause", "courier", "Courier damage"),
        ("resolution", "refund", "Refund"),
    }
    bad = submit(client, "/cases/setup/codes", kind="resolution", code="Money Back", label="Money back")
    assert bad.status_code == 422
    assert "String should match pattern" in beside(bad.text, "code-code")

    refund = next(c for c in codes if c["code"] == "refund")
    back_on_the_page(submit(client, f"/cases/setup/codes/{refund['id']}/remove"), "codes")
    assert [c["code"] for c in call(http, desk.admin, "GET", "/api/v1/case-codes")] == ["courier"]
    assert [a[:2] for a in audit_actions(http, desk.admin, "case_code.")] == [
        ("case_code.create", admin),
        ("case_code.create", admin),
        ("case_code.delete", admin),
    ]


def test_an_admin_saves_and_edits_a_template_and_an_unknown_placeholder_is_refused_beside_the_body(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    desk, admin = admin_of(session)
    client = browser_for(admin)
    body = "Hello {first_name},\nyou wrote: {record_text}"
    back_on_the_page(
        submit(client, "/cases/setup/templates", name="Apology", subject="About your parcel", body=body),
        "templates",
    )
    [saved] = call(http, desk.admin, "GET", "/api/v1/case-templates")
    assert (saved["name"], saved["subject"], saved["body"]) == ("Apology", "About your parcel", body)

    editor = client.get("/cases/setup", params={"template_id": saved["id"]}).text
    assert f'action="/cases/setup/templates/{saved["id"]}"' in editor and "About your parcel" in editor
    refused = submit(
        client,
        f"/cases/setup/templates/{saved['id']}",
        name="Apology",
        subject="Sorry",
        body="Dear {unknown}",
    )
    assert refused.status_code == 422
    assert beside(refused.text, "template-body") == (
        "unknown placeholder {unknown}; use {first_name}, {record_text}"
    )
    assert "Dear {unknown}" in refused.text and f'/cases/setup/templates/{saved["id"]}"' in refused.text
    back_on_the_page(
        submit(client, f"/cases/setup/templates/{saved['id']}", name="Apology", subject="Sorry", body=body),
        "templates",
    )
    assert [t["subject"] for t in call(http, desk.admin, "GET", "/api/v1/case-templates")] == ["Sorry"]
    assert [a[0] for a in audit_actions(http, desk.admin, "case_template.")] == ["case_template.save"] * 2


def test_an_admin_changes_the_sla_policy_and_an_out_of_range_share_is_refused_beside_it(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    desk, admin = admin_of(session)
    client = browser_for(admin)
    page = client.get("/cases/setup").text
    assert 'id="sla-first_contact_hours" name="first_contact_hours" type="number" value="48"' in page
    policy = {
        "first_contact_hours": "24",
        "resolution_hours": "72",
        "warn_at_percent": "75",
        "priority_factors.urgent": "0.5",
    }
    back_on_the_page(submit(client, "/cases/setup/sla", **policy), "sla")
    expected = {
        "first_contact_hours": 24,
        "resolution_hours": 72,
        "warn_at_percent": 75,
        "priority_factors": {"urgent": 0.5},
    }
    assert call(http, desk.admin, "GET", "/api/v1/case-sla") == expected
    assert audit_actions(http, desk.admin, "case_sla.") == [("case_sla.set", admin, expected)]

    refused = submit(client, "/cases/setup/sla", **{**policy, "warn_at_percent": "120"})
    assert refused.status_code == 422
    assert beside(refused.text, "sla-warn_at_percent") == "Input should be less than or equal to 99"
    refused = submit(client, "/cases/setup/sla", **{**policy, "priority_factors.high": "2"})
    assert beside(refused.text, "sla-priority_factors.high") == "Input should be less than or equal to 1"
    assert call(http, desk.admin, "GET", "/api/v1/case-sla") == expected


@pytest.mark.parametrize("role", ["agent", "analyst", "viewer"])
def test_only_admins_may_open_the_set_up_page_or_post_its_forms(
    http: httpx.Client, session: Session, browser_for: SignIn, role: str
) -> None:
    desk = make_desk(session)
    client = browser_for(desk.agent(role).email)
    page = client.get("/cases/setup")
    assert page.status_code == 403 and "Only admins may set up cases" in page.text
    form_token = csrf_token_in(client.get("/cases/report").text)
    reply = client.post("/cases/setup/teams", data={"name": "Sneaky", "csrf_token": form_token})
    assert reply.status_code == 403
    assert call(http, desk.admin, "GET", "/api/v1/case-teams") == []
    assert "/cases/setup" not in client.get("/cases").text


def test_the_inbox_links_admins_to_the_set_up_page(session: Session, browser_for: SignIn) -> None:
    _, admin = admin_of(session)
    assert 'href="/cases/setup"' in browser_for(admin).get("/cases").text


def test_another_workspaces_team_answers_404_and_is_left_alone(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    _, admin = admin_of(session)
    elsewhere = make_desk(session)
    theirs = make_team(http, elsewhere.admin, "Their desk")
    client = browser_for(admin)
    reply = submit(client, f"/cases/setup/teams/{theirs['id']}/members", email=admin)
    assert reply.status_code == 404
    assert call(http, elsewhere.admin, "GET", "/api/v1/case-teams")[0]["members"] == []
    template = call(
        http,
        elsewhere.admin,
        "POST",
        "/api/v1/case-templates",
        201,
        name="Theirs",
        subject="Hi",
        body="Hello",
    )
    assert client.get("/cases/setup", params={"template_id": template["id"]}).status_code == 404
    edit = submit(client, f"/cases/setup/templates/{template['id']}", name="Mine", subject="Hi", body="Hello")
    assert edit.status_code == 404
    assert call(http, elsewhere.admin, "GET", "/api/v1/case-templates")[0]["name"] == "Theirs"


@pytest.mark.browser
def test_in_chromium_an_admin_sets_up_a_team_and_codes_from_the_inbox(
    page: Page, http: httpx.Client, session: Session
) -> None:
    desk, admin = admin_of(session)
    agent = desk.agent()
    sign_in_page(page, admin)
    page.goto("/cases")
    page.get_by_role("link", name="Set up teams, codes, templates and the SLA policy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up cases")
    assert blocking_violations(page, js=True) == []

    page.get_by_label("Team name").fill("North desk")
    page.get_by_role("button", name="Create team").click()
    page.get_by_label("Add to North desk").select_option(agent.email)
    page.get_by_role("button", name="Add member to North desk").click()
    expect(page.get_by_role("button", name=f"Remove {agent.email} from North desk")).to_be_visible()

    page.get_by_label("resolution", exact=True).check()
    page.get_by_label("Code", exact=True).fill("refund")
    page.get_by_label("Label").fill("Refund")
    page.get_by_role("button", name="Add code").click()
    expect(page.locator('#codes-resolution-table tr[data-code="refund"]')).to_contain_text("Refund")
    page.get_by_label("resolution", exact=True).check()
    page.get_by_label("Code", exact=True).fill("refund")
    page.get_by_label("Label").fill("Refund again")
    page.get_by_role("button", name="Add code").click()
    expect(page.locator("#code-code-error")).to_have_text("the resolution code 'refund' already exists")
    expect(page.get_by_label("Code", exact=True)).to_have_attribute("aria-invalid", "true")
    assert blocking_violations(page, js=True) == []

    assert call(http, desk.admin, "GET", "/api/v1/case-teams")[0]["members"] == [agent.email]
    assert [c["code"] for c in call(http, desk.admin, "GET", "/api/v1/case-codes")] == ["refund"]
