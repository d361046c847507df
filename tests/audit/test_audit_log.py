"""The audit log records who did what and when, for the actions that matter; only admins read it."""

from __future__ import annotations

import getpass
import subprocess
import sys
import time
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.delivery.factories import dead_letter
from tests.factories import Tenant, feedback, make_key, make_tenant, make_user, post, sign_in, writing
from voxpop.audit import service


def audit(http: httpx.Client, tenant: Tenant, **params: Any) -> dict[str, Any]:
    reply = http.get("/api/v1/audit", params=params, headers=tenant.headers())
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def key_name(tenant: Tenant) -> str:
    return "API key " + tenant.key[: len("vpk_") + 8]


def voxpop(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "voxpop", *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def test_exporting_and_erasing_a_customer_is_recorded_with_the_key_that_did_it(
    session: Session, http: httpx.Client
) -> None:
    tenant = make_tenant(session)
    post(http, tenant, "/api/v1/feedback", feedback(customer={"email": "ola@example.com"}))
    found = http.get(
        "/api/v1/customers/lookup", params={"identity": "ola@example.com"}, headers=tenant.headers()
    )
    customer_id = found.json()["id"]
    assert http.get(f"/api/v1/customers/{customer_id}/export", headers=tenant.headers()).status_code == 200
    assert http.delete(f"/api/v1/customers/{customer_id}", headers=tenant.headers()).status_code == 200
    erased, exported = audit(http, tenant)["items"]
    assert (exported["action"], exported["target_type"], exported["target_id"]) == (
        "customer.export",
        "customer",
        customer_id,
    )
    assert (exported["actor_type"], exported["actor_name"]) == ("api_key", key_name(tenant))
    assert erased["action"] == "customer.erase" and erased["details"]["feedback_deleted"] == 1
    assert erased["occurred_at"] >= exported["occurred_at"]


def test_a_refused_export_is_not_recorded(session: Session, http: httpx.Client) -> None:
    tenant = make_tenant(session)
    missing = "0190f0f0-0000-7000-8000-000000000000"
    assert http.get(f"/api/v1/customers/{missing}/export", headers=tenant.headers()).status_code == 404
    assert audit(http, tenant)["total"] == 0


def test_starting_an_import_is_recorded_with_the_file_name(session: Session, http: httpx.Client) -> None:
    tenant = make_tenant(session)
    files = {"file": ("march.csv", b"id,email,nps\n1,a@example.com,9\n", "text/csv")}
    reply = http.post("/api/v1/imports", files=files, headers=tenant.headers())
    assert reply.status_code == 202
    [entry] = audit(http, tenant, action="import.start")["items"]
    assert entry["target_id"] == reply.json()["id"]
    assert entry["details"] == {"filename": "march.csv", "kind": "feedback"}
    _wait_until_finished(http, tenant, reply.json()["id"])


def _wait_until_finished(http: httpx.Client, tenant: Tenant, import_id: str) -> None:
    """Let the background import end before the test's tables are emptied."""
    deadline = time.monotonic() + 60
    while http.get(f"/api/v1/imports/{import_id}", headers=tenant.headers()).json()["status"] in (
        "pending",
        "running",
    ):
        assert time.monotonic() < deadline, "the import did not finish"
        time.sleep(0.1)


def test_webhook_changes_and_replays_are_recorded(session: Session, http: httpx.Client) -> None:
    tenant = make_tenant(session)
    endpoint = post(http, tenant, "/api/v1/webhooks", {"url": "https://example.com/hook"}).json()
    post(http, tenant, f"/api/v1/webhooks/{endpoint['id']}/disable", {})
    post(http, tenant, f"/api/v1/webhooks/{endpoint['id']}/enable", {})
    delivery_id = dead_letter(session, tenant.workspace_id, uuid.UUID(endpoint["id"]))
    assert post(http, tenant, f"/api/v1/deliveries/{delivery_id}/replay", {}).status_code == 202
    entries = audit(http, tenant)["items"]
    assert [e["action"] for e in entries] == [
        "delivery.replay",
        "webhook.enable",
        "webhook.disable",
        "webhook.create",
    ]
    assert entries[0]["target_id"] == str(delivery_id)
    assert {e["target_id"] for e in entries[1:]} == {endpoint["id"]}
    assert entries[-1]["details"] == {"url": "https://example.com/hook"}


def test_workspaces_users_and_keys_made_on_the_command_line_are_recorded(
    session: Session, http: httpx.Client
) -> None:
    voxpop("workspace", "create", "Audited")
    voxpop("user", "create", "lead@example.com", "--workspace", "Audited", "--role", "admin")
    voxpop("apikey", "create", "--workspace", "Audited", "--name", "ci", "--json")
    from voxpop.auth import service as auth_service
    from voxpop.workspace import service as workspace_service

    workspace = workspace_service.get_by_name(session, "Audited")
    [key] = auth_service.api_keys(session, workspace.id)
    voxpop("apikey", "revoke", key.prefix, "--workspace", "Audited")
    tenant = Tenant(workspace.id, workspace.name, make_key(session, workspace.id))
    entries = audit(http, tenant)["items"]
    assert [e["action"] for e in entries] == [
        "api_key.revoke",
        "api_key.create",
        "user.add",
        "workspace.create",
    ]
    assert {(e["actor_type"], e["actor_name"]) for e in entries} == {("cli", f"cli:{getpass.getuser()}")}
    assert entries[0]["details"] == {"prefix": key.prefix}
    assert entries[1]["details"] == {"prefix": key.prefix, "role": "admin", "name": "ci", "user": None}
    assert entries[2]["details"] == {"email": "lead@example.com", "role": "admin", "new_user": True}
    assert entries[3]["target_id"] == str(workspace.id)


def test_the_log_pages_newest_first_and_filters_by_action_and_actor(
    session: Session, http: httpx.Client
) -> None:
    tenant = make_tenant(session)
    with writing(session) as writer:
        for n in range(7):
            actor = service.Actor("user", f"user{n % 2}@example.com")
            service.record(
                writer, tenant.workspace_id, actor, f"thing.{'a' if n < 5 else 'b'}", "thing", str(n)
            )
    first = audit(http, tenant, limit=3)
    assert first["total"] == 7 and [e["target_id"] for e in first["items"]] == ["6", "5", "4"]
    second = audit(http, tenant, limit=3, offset=3)
    assert [e["target_id"] for e in second["items"]] == ["3", "2", "1"]
    only_b = audit(http, tenant, action="thing.b")
    assert only_b["total"] == 2 and {e["action"] for e in only_b["items"]} == {"thing.b"}
    by_user1 = audit(http, tenant, actor="user1@example.com", action="thing.a")
    assert [e["target_id"] for e in by_user1["items"]] == ["3", "1"]
    assert http.get("/api/v1/audit", params={"limit": 0}, headers=tenant.headers()).status_code == 422


def test_each_workspace_sees_only_its_own_log(session: Session, http: httpx.Client) -> None:
    mine, theirs = make_tenant(session), make_tenant(session)
    post(http, mine, "/api/v1/webhooks", {"url": "https://example.com/hook"})
    assert audit(http, mine)["total"] == 1
    assert audit(http, theirs)["total"] == 0


@pytest.mark.parametrize("role", ["analyst", "agent", "viewer"])
def test_only_admins_read_the_log(session: Session, http: httpx.Client, role: str) -> None:
    admin = make_tenant(session)
    other = Tenant(admin.workspace_id, admin.name, make_key(session, admin.workspace_id, role))
    reply = http.get("/api/v1/audit", headers=other.headers())
    assert reply.status_code == 403 and role in reply.json()["error"]["message"]


def test_the_audit_page_shows_admins_the_log_and_refuses_everyone_else(
    session: Session, server_url: str
) -> None:
    tenant = make_tenant(session)
    with writing(session) as writer:
        service.record(
            writer, tenant.workspace_id, service.Actor("user", "ann@example.com"), "case.close", "case", "42"
        )
        service.record(
            writer, tenant.workspace_id, service.Actor("user", "bob@example.com"), "rule.edit", "rule", "7"
        )
    with httpx.Client(base_url=server_url) as browser:
        sign_in(browser, make_user(session, tenant.workspace_id, "admin"))
        page = browser.get("/audit")
        assert page.status_code == 200 and 'href="/audit"' in page.text
        assert 'data-action="case.close"' in page.text and 'data-action="rule.edit"' in page.text
        filtered = browser.get("/audit", params={"actor": "bob@example.com"})
        assert 'data-action="rule.edit"' in filtered.text and 'data-action="case.close"' not in filtered.text
    with httpx.Client(base_url=server_url) as browser:
        sign_in(browser, make_user(session, tenant.workspace_id, "analyst"))
        assert browser.get("/audit").status_code == 403
        assert 'href="/audit"' not in browser.get("/imports").text
