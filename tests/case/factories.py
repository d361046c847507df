"""Case test data: a workspace with an admin key and agents tied to users, detractor records, cases opened
through the API, and small helpers to call the case API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy.orm import Session

from tests.factories import Tenant, feedback, make_tenant, make_user_key, post, unique

SignIn = Callable[[str], httpx.Client]


@dataclass
class Agent:
    email: str
    key: str

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


@dataclass
class Desk:
    """A workspace (its admin key) and the agents made in it."""

    admin: Tenant
    session: Session
    agents: list[Agent] = field(default_factory=list)

    def agent(self, role: str = "agent", email: str | None = None) -> Agent:
        made = Agent(*make_user_key(self.session, self.admin.workspace_id, role, email))
        self.agents.append(made)
        return made


def make_desk(session: Session) -> Desk:
    return Desk(make_tenant(session, "admin"), session)


def record(http: httpx.Client, tenant: Tenant, nps: int | None = 3, **overrides: Any) -> str:
    """A feedback record (a detractor by default); its id."""
    body = feedback(
        **{"nps": nps, "text": "The parcel came broken and nobody answered my emails.", **overrides}
    )
    reply = post(http, tenant, "/api/v1/feedback", body)
    assert reply.status_code == 201, reply.text
    return str(reply.json()["id"])


def customer(name: str = "Ann Lee", **attributes: Any) -> dict[str, Any]:
    return {"email": unique("cust") + "@example.com", "name": name, "attributes": attributes}


def open_case(
    http: httpx.Client, caller: Tenant | Agent, feedback_id: str, expect: int = 201, **fields: Any
) -> dict[str, Any]:
    reply = http.post("/api/v1/cases", json={"feedback_id": feedback_id, **fields}, headers=caller.headers())
    assert reply.status_code == expect, reply.text
    return dict(reply.json())


def call(
    http: httpx.Client, caller: Tenant | Agent, method: str, path: str, expect: int = 200, **body: Any
) -> Any:
    reply = http.request(method, path, json=body if method != "GET" else None, headers=caller.headers())
    assert reply.status_code == expect, reply.text
    return reply.json() if reply.content else None


def move(
    http: httpx.Client, caller: Tenant | Agent, case_id: str, status: str, **extra: Any
) -> dict[str, Any]:
    return dict(call(http, caller, "POST", f"/api/v1/cases/{case_id}/status", status=status, **extra))


def make_team(http: httpx.Client, admin: Tenant, name: str, *members: Agent) -> dict[str, Any]:
    team = call(http, admin, "POST", "/api/v1/case-teams", 201, name=name)
    for member in members:
        team = call(http, admin, "POST", f"/api/v1/case-teams/{team['id']}/members", 201, email=member.email)
    return dict(team)
