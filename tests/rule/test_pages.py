"""The rule pages without JavaScript: the editor's dry run re-renders the form with the count, problems are
tied to their fields, saving creates the rule, and the list switches rules on and off."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.factories import csrf_token_in, make_tenant, make_user, sign_in
from tests.rule.factories import recent, send


@pytest.fixture
def signed_in(session: Session, server_url: str) -> Any:
    def make(role: str = "analyst") -> tuple[httpx.Client, Any]:
        tenant = make_tenant(session)
        client = httpx.Client(base_url=server_url, timeout=30)
        sign_in(client, make_user(session, tenant.workspace_id, role))
        return client, tenant

    return make


def form(csrf: str, **fields: Any) -> dict[str, Any]:
    return {
        "csrf_token": csrf,
        "name": "Detractors",
        "subject": "feedback",
        "enabled": "on",
        "days": "30",
        **fields,
    }


def test_the_dry_run_shows_the_count_and_saving_creates_the_rule(signed_in: Any, http: httpx.Client) -> None:
    client, tenant = signed_in()
    send(
        http,
        tenant,
        recent(nps=1, channel="email"),
        recent(nps=5, channel="chat"),
        recent(nps=9, channel="email"),
    )
    csrf = csrf_token_in(client.get("/rules/new").text)
    fields = form(csrf, nps_max="6", channels="email, chat", tags="detractor", intent="dry_run")
    dry = client.post("/rules/new", data=fields)
    assert dry.status_code == 200
    assert re.search(r"would have matched <strong>2</strong> of 3", dry.text)
    assert 'value="6"' in dry.text and dry.text.count('<tr><td><a href="/feedback/') == 2
    saved = client.post("/rules/new", data={**fields, "intent": "save"}, follow_redirects=False)
    assert saved.status_code == 303
    (rule,) = http.get("/api/v1/rules", headers=tenant.headers()).json()
    assert saved.headers["location"] == f"/rules/{rule['id']}?done=saved"
    assert rule["conditions"] == {"nps": {"max": 6}, "channels": ["email", "chat"]}
    assert rule["actions"] == [{"type": "tag", "params": {"tags": ["detractor"]}}]
    editor = client.get(saved.headers["location"])
    assert 'value="6"' in editor.text and 'value="email, chat"' in editor.text


def test_problems_are_shown_beside_their_fields_and_nothing_is_saved(
    signed_in: Any, http: httpx.Client
) -> None:
    client, tenant = signed_in()
    csrf = csrf_token_in(client.get("/rules/new").text)
    fields = form(
        csrf, nps_min="8", nps_max="3", customer="plan is gold", notify_email_to="nobody", intent="save"
    )
    refused = client.post("/rules/new", data=fields)
    assert refused.status_code == 422
    assert re.search(r'id="nps_max"[^>]*aria-invalid="true" aria-describedby="nps_max-error"', refused.text)
    assert 'id="nps_max-error" class="error">must not be below min (8)' in refused.text
    assert 'id="customer-error"' in refused.text and "line 1" in refused.text
    refused = client.post("/rules/new", data=form(csrf, notify_email_to="nobody", intent="save"))
    assert 'id="notify_email_to-error"' in refused.text and "not a valid email address" in refused.text
    assert http.get("/api/v1/rules", headers=tenant.headers()).json() == []


def test_the_list_switches_a_rule_off_and_on(signed_in: Any, http: httpx.Client) -> None:
    client, tenant = signed_in()
    csrf = csrf_token_in(client.get("/rules/new").text)
    client.post("/rules/new", data=form(csrf, nps_max="6", tags="x", intent="save"))
    (rule,) = http.get("/api/v1/rules", headers=tenant.headers()).json()
    listing = client.get("/rules")
    assert "Off — switch on" in listing.text and f'href="/rules/{rule["id"]}">Detractors' in listing.text
    client.post(f"/rules/{rule['id']}/switch", data={"csrf_token": csrf, "enabled": "on"})
    assert http.get(f"/api/v1/rules/{rule['id']}", headers=tenant.headers()).json()["enabled"] is True
    assert "On — switch off" in client.get("/rules").text
    client.post(f"/rules/{rule['id']}/switch", data={"csrf_token": csrf})
    assert http.get(f"/api/v1/rules/{rule['id']}", headers=tenant.headers()).json()["enabled"] is False


def test_a_new_rule_is_saved_off_with_a_confirmation_and_switched_on_from_its_page_after_a_dry_run(
    signed_in: Any, http: httpx.Client
) -> None:
    client, tenant = signed_in()
    csrf = csrf_token_in(client.get("/rules/new").text)
    saved = client.post(
        "/rules/new", data=form(csrf, nps_max="6", tags="x", intent="save"), follow_redirects=True
    )
    assert saved.status_code == 200 and "Saved. The rule is <strong>off</strong>" in saved.text
    (rule,) = http.get("/api/v1/rules", headers=tenant.headers()).json()
    assert rule["enabled"] is False
    dry = client.post(f"/rules/{rule['id']}", data=form(csrf, nps_max="6", tags="x", intent="dry_run"))
    assert 'id="switch-on"' in dry.text
    switched = client.post(
        f"/rules/{rule['id']}/switch",
        data={"csrf_token": csrf, "enabled": "on", "back": "rule"},
        follow_redirects=True,
    )
    assert "The rule is now <strong>on</strong>" in switched.text
    edited = client.post(
        f"/rules/{rule['id']}", data=form(csrf, nps_max="5", tags="x", intent="save"), follow_redirects=True
    )
    assert "The rule is on." in edited.text  # saving a change keeps it on
    assert http.get(f"/api/v1/rules/{rule['id']}", headers=tenant.headers()).json()["enabled"] is True


def test_the_open_case_action_is_chosen_from_controls_and_shown_in_them_again(
    signed_in: Any, http: httpx.Client
) -> None:
    client, tenant = signed_in()
    reply = http.post("/api/v1/case-teams", json={"name": "Returns"}, headers=tenant.headers())
    assert reply.status_code == 201, reply.text
    page = client.get("/rules/new")
    assert 'value="round_robin:Returns"' in page.text and 'value="team:Returns"' in page.text
    csrf = csrf_token_in(page.text)
    fields = form(
        csrf, nps_max="6", open_case="on", open_case_priority="high", open_case_owner="round_robin:Returns"
    )
    assert client.post("/rules/new", data={**fields, "intent": "save"}).status_code == 303
    (rule,) = http.get("/api/v1/rules", headers=tenant.headers()).json()
    assignment = {"type": "round_robin", "team": "Returns"}
    assert rule["actions"] == [
        {"type": "open_case", "params": {"priority": "high", "assignment": assignment}}
    ]
    editor = client.get(f"/rules/{rule['id']}").text
    assert re.search(r'id="open_case"[^>]*checked', editor)
    assert '<option value="round_robin:Returns" selected>' in editor
    assert '<option value="high" selected>' in editor
    assert (
        "&#34;open_case&#34;" not in editor and "&quot;open_case&quot;" not in editor
    )  # not in the JSON box


def test_a_viewer_may_dry_run_but_not_save(signed_in: Any, http: httpx.Client) -> None:
    client, tenant = signed_in("viewer")
    page = client.get("/rules/new")
    assert 'value="save"' not in page.text
    csrf = csrf_token_in(page.text)
    assert (
        client.post("/rules/new", data=form(csrf, nps_max="6", tags="x", intent="dry_run")).status_code == 200
    )
    assert client.post("/rules/new", data=form(csrf, nps_max="6", tags="x", intent="save")).status_code == 403
    assert http.get("/api/v1/rules", headers=tenant.headers()).json() == []


def test_another_workspaces_rule_page_is_not_found(signed_in: Any, http: httpx.Client) -> None:
    client, _ = signed_in()
    other, tenant = signed_in()
    csrf = csrf_token_in(other.get("/rules/new").text)
    other.post("/rules/new", data=form(csrf, nps_max="6", tags="x", intent="save"))
    (rule,) = http.get("/api/v1/rules", headers=tenant.headers()).json()
    assert client.get(f"/rules/{rule['id']}").status_code == 404
    mine = csrf_token_in(client.get("/rules/new").text)
    assert client.post(f"/rules/{rule['id']}", data=form(mine, intent="dry_run")).status_code == 404
    assert client.post(f"/rules/{rule['id']}/delete", data={"csrf_token": mine}).status_code == 404
