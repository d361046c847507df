"""Workspace administration over plain HTTP: admins invite people by email (a one-time, expiring link to
choose a password, sent through a real SMTP server), change roles, deactivate and remove members (whose
sessions and API keys are refused at their next request), and create and revoke API keys (the secret shown
once). Everything is audited; other roles get a 403 page; the workspace always keeps an active admin."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.case.factories import SignIn
from tests.delivery.factories import Clock, run_jobs, smtp_receiver
from tests.factories import make_tenant, make_user, make_user_key
from tests.members.factories import form, invitation_link

pytestmark = pytest.mark.usefixtures("background_jobs_paused")
MEMBERS = "/settings/members"
KEYS = "/settings/api-keys"
NEW_PASSWORD = "lantern orchard 47 quietly"


def audit_actions(http: httpx.Client, key: str) -> list[str]:
    reply = http.get("/api/v1/audit", headers={"Authorization": f"Bearer {key}"})
    return [e["action"] for e in reply.json()["items"]]


def member_id(client: httpx.Client, email: str) -> str:
    html = client.get(MEMBERS).text
    start = html.index(f'data-email="{email}"')
    return html[html.rindex('id="member-', 0, start) + len('id="member-') :].split('"', 1)[0]


def test_an_invited_analyst_chooses_a_password_through_the_emailed_link_which_then_stops_working(
    http: httpx.Client, session: Session, server_url: str, browser_for: SignIn
) -> None:
    tenant = make_tenant(session)
    admin = browser_for(make_user(session, tenant.workspace_id, "admin"))
    with smtp_receiver() as smtp:
        reply = form(admin, MEMBERS, f"{MEMBERS}/invite", email="Ana@Example.com", role="analyst")
        assert reply.status_code == 303
        run_jobs()
    (message,) = smtp.messages
    assert message["To"] == "ana@example.com" and "invited" in message["Subject"]
    link = invitation_link(message)
    assert link.startswith(server_url)
    assert "ana@example.com as analyst" in admin.get(MEMBERS).text
    newcomer = httpx.Client(base_url=server_url, timeout=30)
    page = newcomer.get(link)
    assert page.status_code == 200 and "Choose a password" in page.text
    weak = form(newcomer, link, link, password="password1", name="Ana")
    assert weak.status_code == 422 and 'id="password-error"' in weak.text
    joined = form(newcomer, link, link, password=NEW_PASSWORD, name="Ana")
    assert joined.status_code == 303 and joined.headers["location"] == "/"
    home = newcomer.get("/")
    assert home.status_code == 200 and "ana@example.com" in home.text and ">analyst<" in home.text
    assert newcomer.get(link).status_code == 410
    assert {"member.invite", "member.join"} <= set(audit_actions(http, tenant.key))
    assert "ana@example.com as analyst" not in admin.get(MEMBERS).text


def test_an_invitation_expires_after_seven_days_and_a_new_one_replaces_the_old_link(
    session: Session, server_url: str, browser_for: SignIn
) -> None:
    clock = Clock()
    tenant = make_tenant(session)
    admin = browser_for(make_user(session, tenant.workspace_id, "admin"))
    with smtp_receiver() as smtp:
        form(admin, MEMBERS, f"{MEMBERS}/invite", email="late@example.com", role="viewer")
        form(admin, MEMBERS, f"{MEMBERS}/invite", email="slow@example.com", role="viewer")
        form(admin, MEMBERS, f"{MEMBERS}/invite", email="slow@example.com", role="agent")
        run_jobs()
    late, old, new = (invitation_link(m) for m in smtp.messages)
    anyone = httpx.Client(base_url=server_url, timeout=30)
    assert anyone.get(old).status_code == 410 and "withdrawn" in anyone.get(old).text
    assert "<strong>agent</strong>" in anyone.get(new).text
    clock.advance(7 * 24 * 3600 + 1)
    expired = anyone.get(late)
    assert expired.status_code == 410 and "expired" in expired.text
    assert anyone.get(late.rsplit("/", 1)[0] + "/not-a-token").status_code == 404


def test_inviting_a_member_again_is_refused_beside_the_email_field(
    session: Session, browser_for: SignIn
) -> None:
    tenant = make_tenant(session)
    email = make_user(session, tenant.workspace_id, "agent")
    admin = browser_for(make_user(session, tenant.workspace_id, "admin"))
    reply = form(admin, MEMBERS, f"{MEMBERS}/invite", email=email, role="viewer")
    assert reply.status_code == 422
    assert 'id="email-error"' in reply.text and "is already a member of this workspace" in reply.text


def test_a_removed_member_is_refused_at_once_on_pages_and_with_their_api_key(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    tenant = make_tenant(session)
    admin = browser_for(make_user(session, tenant.workspace_id, "admin"))
    email, key = make_user_key(session, tenant.workspace_id, "agent")
    theirs = browser_for(email)
    assert theirs.get("/").status_code == 200
    assert http.get("/api/v1/cases", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    reply = form(admin, MEMBERS, f"{MEMBERS}/{member_id(admin, email)}/remove")
    assert reply.status_code == 303
    assert theirs.get("/").status_code == 403
    refused = http.get("/api/v1/cases", headers={"Authorization": f"Bearer {key}"})
    assert refused.status_code == 401 and "no longer a member" in refused.text
    assert email not in admin.get(MEMBERS).text
    assert "member.remove" in audit_actions(http, tenant.key)


def test_a_deactivated_member_is_signed_out_and_their_key_refused_and_reactivating_needs_a_new_sign_in(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    tenant = make_tenant(session)
    admin = browser_for(make_user(session, tenant.workspace_id, "admin"))
    email, key = make_user_key(session, tenant.workspace_id, "viewer")
    theirs = browser_for(email)
    who = member_id(admin, email)
    assert form(admin, MEMBERS, f"{MEMBERS}/{who}/deactivate").status_code == 303
    signed_out = theirs.get("/", follow_redirects=False)
    assert signed_out.status_code == 303 and signed_out.headers["location"] == "/login"
    assert http.get("/api/v1/feedback", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert "deactivated" in admin.get(MEMBERS).text
    assert form(admin, MEMBERS, f"{MEMBERS}/{who}/reactivate").status_code == 303
    assert theirs.get("/", follow_redirects=False).status_code == 303  # the old cookie stays dead
    assert browser_for(email).get("/").status_code == 200
    assert {"member.deactivate", "member.reactivate"} <= set(audit_actions(http, tenant.key))


def test_a_role_change_applies_at_the_next_request_and_the_last_admin_cannot_step_down(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    tenant = make_tenant(session)
    admin_email = make_user(session, tenant.workspace_id, "admin")
    admin = browser_for(admin_email)
    email = make_user(session, tenant.workspace_id, "agent")
    theirs = browser_for(email)
    assert theirs.get("/cases", follow_redirects=False).status_code == 200
    assert form(admin, MEMBERS, f"{MEMBERS}/{member_id(admin, email)}/role", role="viewer").status_code == 303
    assert theirs.get("/cases", follow_redirects=False).headers["location"] == "/cases/report"
    me = member_id(admin, admin_email)
    refused = form(admin, MEMBERS, f"{MEMBERS}/{me}/role", role="analyst")
    assert refused.status_code == 409 and f'id="member-{me}-error"' in refused.text
    assert "without an active admin" in refused.text
    assert form(admin, MEMBERS, f"{MEMBERS}/{me}/remove").status_code == 409
    assert "member.role_change" in audit_actions(http, tenant.key)


def test_an_admin_creates_a_key_with_a_role_and_an_expiry_sees_it_once_and_revokes_it(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    tenant = make_tenant(session)
    admin = browser_for(make_user(session, tenant.workspace_id, "admin"))
    created = form(admin, KEYS, KEYS, name="CRM import", role="analyst", expires_in_days="30", acts_for="")
    assert created.status_code == 200 and created.headers["cache-control"] == "no-store"
    secret = created.text.split('id="secret" readonly value="', 1)[1].split('"', 1)[0]
    assert secret.startswith("vpk_")
    listing = admin.get(KEYS).text
    assert secret not in listing and secret[:12] in listing and "CRM import" in listing
    headers = {"Authorization": f"Bearer {secret}"}
    assert http.get("/api/v1/feedback", headers=headers).status_code == 200
    assert http.get("/api/v1/audit", headers=headers).status_code == 403  # an analyst's key
    assert form(admin, KEYS, f"{KEYS}/{secret[:12]}/revoke").status_code == 303
    assert http.get("/api/v1/feedback", headers=headers).status_code == 401
    assert "revoked" in admin.get(KEYS).text
    assert {"api_key.create", "api_key.revoke"} <= set(audit_actions(http, tenant.key))
    nameless = form(admin, KEYS, KEYS, name="", role="analyst", expires_in_days="30", acts_for="")
    assert nameless.status_code == 422 and 'id="name-error"' in nameless.text


@pytest.mark.parametrize("role", ["analyst", "agent", "viewer"])
def test_only_admins_open_the_administration_pages(session: Session, browser_for: SignIn, role: str) -> None:
    tenant = make_tenant(session)
    client = browser_for(make_user(session, tenant.workspace_id, role))
    for path in (MEMBERS, KEYS):
        page = client.get(path)
        assert page.status_code == 403 and "Only admins may manage the workspace; your role is" in page.text
    assert 'href="/settings/members"' not in client.get("/").text
    refused = client.post(f"{MEMBERS}/invite", data={"email": "x@example.com", "role": "admin"})
    assert refused.status_code == 403


def test_forms_without_their_csrf_token_change_nothing(session: Session, browser_for: SignIn) -> None:
    tenant = make_tenant(session)
    admin = browser_for(make_user(session, tenant.workspace_id, "admin"))
    email = make_user(session, tenant.workspace_id, "agent")
    who = member_id(admin, email)
    assert admin.post(f"{MEMBERS}/{who}/remove").status_code == 403
    assert admin.post(KEYS, data={"name": "x", "role": "admin"}).status_code == 403
    assert email in admin.get(MEMBERS).text
    assert uuid.UUID(who)
