"""Rule test data: rule definitions as the API takes them, recent feedback records, and waiting for the
background evaluation to finish."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import Tenant, feedback, post

T = TypeVar("T")


def rule(**overrides: Any) -> dict[str, Any]:
    """A valid rule: detractors get tagged."""
    body: dict[str, Any] = {
        "name": "Detractors",
        "conditions": {"nps": {"max": 6}},
        "actions": [{"type": "tag", "params": {"tags": ["detractor"]}}],
    }
    body.update(overrides)
    return body


def create_rule(http: httpx.Client, tenant: Tenant, **overrides: Any) -> dict[str, Any]:
    reply = post(http, tenant, "/api/v1/rules", rule(**overrides))
    assert reply.status_code == 201, reply.text
    return dict(reply.json())


def days_ago(days: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat()


def recent(**overrides: Any) -> dict[str, Any]:
    """A feedback record received a day ago, without text unless given."""
    return feedback(**{"received_at": days_ago(1), "text": None, **overrides})


def send(http: httpx.Client, tenant: Tenant, *records: dict[str, Any]) -> list[str]:
    """Post the records in one batch; their ids, in order."""
    reply = post(http, tenant, "/api/v1/feedback/batch", {"items": list(records)})
    assert reply.status_code == 201, reply.text
    return [item["id"] for item in reply.json()["items"]]


def wait_for(check: Callable[[], T | None], timeout: float = 90, what: str = "the condition") -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen in {timeout:g} s")


def evaluated_count(session: Session, workspace_id: uuid.UUID) -> int:
    from voxpop.rule.models import RuleEvaluation

    session.rollback()
    query = (
        select(func.count()).select_from(RuleEvaluation).where(RuleEvaluation.workspace_id == workspace_id)
    )
    return int(session.scalar(query) or 0)


def wait_until_evaluated(session: Session, workspace_id: uuid.UUID, count: int, timeout: float = 120) -> None:
    """Wait until `count` records of the workspace have been evaluated by the background job."""
    wait_for(lambda: evaluated_count(session, workspace_id) >= count, timeout, f"evaluating {count} records")


def tags(http: httpx.Client, tenant: Tenant, feedback_id: str) -> list[str]:
    reply = http.get(f"/api/v1/feedback/{feedback_id}/tags", headers=tenant.headers())
    assert reply.status_code == 200, reply.text
    return sorted(t["tag"] for t in reply.json())


def matches(http: httpx.Client, tenant: Tenant, rule_id: str) -> list[dict[str, Any]]:
    reply = http.get(f"/api/v1/rules/{rule_id}/matches", headers=tenant.headers())
    assert reply.status_code == 200, reply.text
    return list(reply.json())


def dry_run(http: httpx.Client, tenant: Tenant, conditions: dict[str, Any], days: int = 30) -> dict[str, Any]:
    reply = post(http, tenant, f"/api/v1/rules/dry-run?days={days}", rule(conditions=conditions))
    assert reply.status_code == 200, reply.text
    return dict(reply.json())
