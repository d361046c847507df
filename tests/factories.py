"""Factories for test data: each returns something real, stored through the services."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.orm import Session

_counter = itertools.count(1)


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

    workspace = service.create(session, name or unique("ws"))
    session.commit()
    return workspace.id


def make_tenant(session: Session, role: str = "admin", name: str | None = None) -> Tenant:
    from voxpop.auth import service as auth_service
    from voxpop.workspace import service

    workspace = service.create(session, name or unique("ws"))
    created = auth_service.create_api_key(session, workspace.id, role)
    session.commit()
    return Tenant(workspace.id, workspace.name, created.secret)


def make_key(session: Session, workspace_id: uuid.UUID, role: str = "admin", **options: Any) -> str:
    from voxpop.auth import service as auth_service

    created = auth_service.create_api_key(session, workspace_id, role, **options)
    session.commit()
    return created.secret


def make_user(session: Session, workspace_id: uuid.UUID, role: str = "admin", password: str = "correct horse 1") -> str:
    from voxpop.auth import service as auth_service

    user = auth_service.create_user(session, unique("user") + "@example.com", password)
    auth_service.add_member(session, user, workspace_id, role)
    session.commit()
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
