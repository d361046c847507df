"""API keys: shown once, stored hashed, revocable, expiring, and carrying a role."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import feedback, make_key, make_tenant, make_user_key, make_workspace, writing
from voxpop.auth import service
from voxpop.auth.models import ApiKey, User
from voxpop.auth.roles import within
from voxpop.kit import clock


def test_only_a_hash_of_the_key_is_stored_and_the_prefix_is_visible(session: Session) -> None:
    workspace_id = make_workspace(session)
    with writing(session) as writer:
        created = service.create_api_key(writer, workspace_id)
    row = session.scalars(select(ApiKey).where(ApiKey.id == created.key.id)).one()
    assert created.secret.startswith(row.prefix + "_")
    assert created.secret not in (row.key_hash, row.prefix)
    assert len(row.key_hash) == 64


def test_a_request_without_a_key_or_with_a_wrong_key_is_refused(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    assert http.get("/api/v1/feedback").status_code == 401
    wrong = http.get("/api/v1/feedback", headers={"Authorization": f"Bearer {tenant.key[:-3]}abc"})
    assert wrong.status_code == 401
    assert wrong.json()["error"]["message"] == "invalid API key"


def test_the_key_works_as_bearer_token_or_x_api_key_header(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    assert http.get("/api/v1/feedback", headers=tenant.headers()).status_code == 200
    assert http.get("/api/v1/feedback", headers={"X-API-Key": tenant.key}).status_code == 200


def test_a_revoked_key_is_refused_with_when_it_was_revoked(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    prefix = tenant.key[:12]
    with writing(session) as writer:
        service.revoke_api_key(writer, tenant.workspace_id, prefix)
    reply = http.post("/api/v1/feedback", json=feedback(), headers=tenant.headers())
    assert reply.status_code == 401
    assert reply.json()["error"]["message"].startswith(f"API key {prefix} was revoked on ")


def test_an_expired_key_is_refused(http: httpx.Client, session: Session) -> None:
    workspace_id = make_workspace(session)
    key = make_key(session, workspace_id, expires_in_days=1)
    clock.set_clock(lambda: datetime.now(UTC) + timedelta(days=2))
    reply = http.get("/api/v1/feedback", headers={"Authorization": f"Bearer {key}"})
    assert reply.status_code == 401
    assert "expired on" in reply.json()["error"]["message"]


def test_a_viewer_key_reads_but_cannot_write(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session, role="viewer")
    assert http.get("/api/v1/feedback", headers=tenant.headers()).status_code == 200
    reply = http.post("/api/v1/feedback", json=feedback(), headers=tenant.headers())
    assert reply.status_code == 403
    assert reply.json()["error"]["message"] == "the role 'viewer' may not write data"


def test_an_analyst_writes_data_but_cannot_export_or_erase_personal_data(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session, role="analyst")
    stored = http.post("/api/v1/feedback", json=feedback(), headers=tenant.headers())
    assert stored.status_code == 201
    customer_id = http.get(f"/api/v1/feedback/{stored.json()['id']}", headers=tenant.headers()).json()[
        "customer_id"
    ]
    assert http.get(f"/api/v1/customers/{customer_id}/export", headers=tenant.headers()).status_code == 403
    assert http.delete(f"/api/v1/customers/{customer_id}", headers=tenant.headers()).status_code == 403


def test_an_agent_reads_but_cannot_import(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session, role="agent")
    files = {"file": ("f.csv", b"id,nps\n1,9\n", "text/csv")}
    assert http.post("/api/v1/imports", files=files, headers=tenant.headers()).status_code == 403


def test_the_last_use_of_a_key_is_recorded(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    http.get("/api/v1/feedback", headers=tenant.headers())
    session.rollback()
    row = session.scalars(select(ApiKey).where(ApiKey.workspace_id == tenant.workspace_id)).one()
    assert row.last_used_at is not None


def _member(session: Session, email: str) -> User:
    session.rollback()
    return service.user_by_email(session, email)


def test_a_users_key_acts_at_most_with_the_users_current_role(http: httpx.Client, session: Session) -> None:
    workspace_id = make_workspace(session)
    email, key = make_user_key(session, workspace_id, "admin")
    headers = {"Authorization": f"Bearer {key}"}
    assert http.post("/api/v1/feedback", json=feedback(), headers=headers).status_code == 201
    with writing(session) as writer:
        service.add_member(writer, service.user_by_email(writer, email), workspace_id, "viewer")
    reply = http.post("/api/v1/feedback", json=feedback(), headers=headers)
    assert reply.status_code == 403
    assert reply.json()["error"]["message"] == "the role 'viewer' may not write data"
    assert http.get("/api/v1/feedback", headers=headers).status_code == 200


def test_a_users_key_dies_when_the_user_leaves_the_workspace(http: httpx.Client, session: Session) -> None:
    workspace_id = make_workspace(session)
    email, key = make_user_key(session, workspace_id, "analyst")
    with writing(session) as writer:
        service.remove_member(writer, service.user_by_email(writer, email), workspace_id)
    reply = http.get("/api/v1/feedback", headers={"Authorization": f"Bearer {key}"})
    assert reply.status_code == 401
    assert reply.json()["error"]["message"].endswith("is no longer a member of this workspace")


def test_a_users_key_dies_when_the_user_is_deactivated(http: httpx.Client, session: Session) -> None:
    workspace_id = make_workspace(session)
    email, key = make_user_key(session, workspace_id, "admin")
    with writing(session) as writer:
        service.deactivate_user(writer, service.user_by_email(writer, email))
    reply = http.get("/api/v1/feedback", headers={"Authorization": f"Bearer {key}"})
    assert reply.status_code == 401
    assert reply.json()["error"]["message"].endswith("acts for a user who has been deactivated")
    assert _member(session, email).is_active is False


@pytest.mark.parametrize(
    ("key_role", "member_role", "acts_as"),
    [
        ("admin", "agent", "agent"),
        ("viewer", "admin", "viewer"),
        ("analyst", "agent", "viewer"),
        ("agent", "agent", "agent"),
    ],
)
def test_a_key_tied_to_a_member_acts_with_what_both_roles_allow(
    key_role: str, member_role: str, acts_as: str
) -> None:
    assert within(key_role, member_role) == acts_as
