"""Factories for test data: each returns something real, stored through the services."""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.orm import Session

_counter = itertools.count(1)


@contextmanager
def writing(session: Session) -> Iterator[Session]:
    """A write session on the test's database. Test sessions only read: on SQLite a reading transaction
    that starts writing fails at once if another connection wrote in between."""
    from voxpop.kit.db import new_session

    with new_session(session.get_bind(), write=True) as writer:  # type: ignore[arg-type]
        yield writer
        writer.commit()


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_counter)}-{uuid.uuid4().hex[:6]}"


@dataclass
class Tenant:
    """A workspace with an API key of a given role, ready to call the API."""

    workspace_id: uuid.UUID
    name: str
    key: str

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


def make_workspace(session: Session, name: str | None = None) -> uuid.UUID:
    from voxpop.workspace import service

    with writing(session) as writer:
        return service.create(writer, name or unique("ws")).id


def make_tenant(session: Session, role: str = "admin", name: str | None = None) -> Tenant:
    from voxpop.auth import service as auth_service
    from voxpop.workspace import service

    with writing(session) as writer:
        workspace = service.create(writer, name or unique("ws"))
        created = auth_service.create_api_key(writer, workspace.id, role)
    return Tenant(workspace.id, workspace.name, created.secret)


def make_key(session: Session, workspace_id: uuid.UUID, role: str = "admin", **options: Any) -> str:
    from voxpop.auth import service as auth_service

    with writing(session) as writer:
        return auth_service.create_api_key(writer, workspace_id, role, **options).secret


def make_user(
    session: Session, workspace_id: uuid.UUID, role: str = "admin", password: str = "correct horse 1"
) -> str:
    from voxpop.auth import service as auth_service

    with writing(session) as writer:
        user = auth_service.create_user(writer, unique("user") + "@example.com", password)
        auth_service.add_member(writer, user, workspace_id, role)
        return user.email


def feedback(**overrides: Any) -> dict[str, Any]:
    """A valid feedback record as the API takes it."""
    record: dict[str, Any] = {
        "kind": "survey_response",
        "channel": "email",
        "source": "survey-tool",
        "external_id": unique("fb"),
        "received_at": "2025-03-04T10:00:00Z",
        "customer": {"email": unique("cust") + "@example.com"},
        "text": "Delivery was slow but the driver was lovely.",
        "nps": 7,
    }
    record.update(overrides)
    return record


def event(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type": "order_delivered",
        "channel": "web",
        "source": "shop",
        "external_id": unique("ev"),
        "occurred_at": "2025-03-01T09:00:00Z",
        "customer": {"email": unique("cust") + "@example.com"},
        "lifecycle_stage": "purchase",
        "touchpoint": "delivery",
    }
    record.update(overrides)
    return record


def post(http: httpx.Client, tenant: Tenant, path: str, body: Any) -> httpx.Response:
    return http.post(path, json=body, headers=tenant.headers())


def csrf_token_in(html: str) -> str:
    """The CSRF token a page's forms carry."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(http: httpx.Client, email: str, password: str = "correct horse 1") -> None:
    """Sign in through the login form (with its CSRF token), as a browser would."""
    token = csrf_token_in(http.get("/login").text)
    reply = http.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert reply.status_code == 303, reply.text


def make_user_key(
    session: Session, workspace_id: uuid.UUID, role: str, email: str | None = None
) -> tuple[str, str]:
    """A member of the workspace with this role and an API key acting for them: (email, key)."""
    from voxpop.auth import service as auth_service

    with writing(session) as writer:
        user = auth_service.create_user(writer, email or unique(role) + "@example.com", "correct horse 1")
        auth_service.add_member(writer, user, workspace_id, role)
        secret = auth_service.create_api_key(writer, workspace_id, role, user_id=user.id).secret
        return user.email, secret
