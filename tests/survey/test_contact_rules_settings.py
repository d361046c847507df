"""Each workspace's contact rules through the API: every role reads them, only admins set them (each change
audited with the values before and after), a wrong value is refused naming the field, a workspace without
its own rules has the `VOXPOP_SURVEY_*` defaults, and one workspace never reads or changes another's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.factories import Tenant, make_key, make_tenant
from tests.survey.test_contact_rules import set_rules

RULES = "/api/v1/surveys/contact-rules"
DEFAULTS = {"max_invitations": 3, "period_days": 30, "quiet_days_after_answer": 14}


def rules_of(http: httpx.Client, tenant: Tenant) -> dict[str, Any]:
    reply = http.get(RULES, headers=tenant.headers())
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def test_a_workspace_without_rules_of_its_own_has_the_defaults(http: httpx.Client, session: Session) -> None:
    assert rules_of(http, make_tenant(session)) == {**DEFAULTS, "updated_at": None}


@pytest.fixture
def defaults_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from voxpop.survey import contact

    monkeypatch.setenv("VOXPOP_SURVEY_PERIOD_DAYS", "7")
    contact.rules.cache_clear()
    yield
    monkeypatch.undo()
    contact.rules.cache_clear()


@pytest.mark.usefixtures("defaults_from_the_environment")
def test_the_defaults_come_from_the_environment(http: httpx.Client, session: Session) -> None:
    assert rules_of(http, make_tenant(session))["period_days"] == 7


def test_each_workspace_reads_and_sets_only_its_own_rules(http: httpx.Client, session: Session) -> None:
    ours, theirs = make_tenant(session), make_tenant(session)
    saved = set_rules(http, ours, max_invitations=1, period_days=60, quiet_days_after_answer=0)
    assert {name: saved[name] for name in DEFAULTS} == {
        "max_invitations": 1,
        "period_days": 60,
        "quiet_days_after_answer": 0,
    }
    assert saved["updated_at"] is not None
    assert rules_of(http, ours) == saved
    assert rules_of(http, theirs) == {**DEFAULTS, "updated_at": None}
    set_rules(http, theirs, max_invitations=5)
    assert rules_of(http, ours) == saved
    assert rules_of(http, theirs)["max_invitations"] == 5


@pytest.mark.parametrize("role", ["analyst", "agent", "viewer"])
def test_only_admins_set_the_rules_and_every_role_reads_them(
    http: httpx.Client, session: Session, role: str
) -> None:
    admin = make_tenant(session)
    other = Tenant(admin.workspace_id, admin.name, make_key(session, admin.workspace_id, role))
    reply = http.put(RULES, json={**DEFAULTS, "max_invitations": 1}, headers=other.headers())
    assert reply.status_code == 403
    assert rules_of(http, other) == {**DEFAULTS, "updated_at": None}


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"max_invitations": 0}, "max_invitations", "greater than or equal to 1"),
        ({"max_invitations": 101}, "max_invitations", "less than or equal to 100"),
        ({"period_days": 0}, "period_days", "greater than or equal to 1"),
        ({"period_days": 366}, "period_days", "less than or equal to 365"),
        ({"quiet_days_after_answer": -1}, "quiet_days_after_answer", "greater than or equal to 0"),
        ({"quiet_days_after_answer": "two weeks"}, "quiet_days_after_answer", "valid integer"),
        ({"period_days": None}, "period_days", "valid integer"),
        ({"reminders": 2}, "reminders", "not permitted"),
    ],
)
def test_a_wrong_value_is_refused_naming_the_field_and_why(
    http: httpx.Client, session: Session, change: dict[str, Any], field: str, reason: str
) -> None:
    tenant = make_tenant(session)
    reply = http.put(RULES, json={**DEFAULTS, **change}, headers=tenant.headers())
    assert reply.status_code == 422
    (problem,) = reply.json()["error"]["problems"]
    assert problem["field"] == field
    assert reason in problem["reason"]
    assert rules_of(http, tenant)["updated_at"] is None


def test_a_rule_left_out_is_refused_as_missing(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    reply = http.put(RULES, json={"max_invitations": 2}, headers=tenant.headers())
    assert reply.status_code == 422
    problems = {p["field"]: p["reason"] for p in reply.json()["error"]["problems"]}
    assert problems == {"period_days": "Field required", "quiet_days_after_answer": "Field required"}


def contact_rule_changes(http: httpx.Client, admin: Tenant) -> list[dict[str, Any]]:
    items = http.get("/api/v1/audit", headers=admin.headers()).json()["items"]
    return [e for e in reversed(items) if e["action"] == "survey_contact_rules.set"]


def test_every_change_is_audited_with_the_values_before_and_after(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    set_rules(http, tenant, max_invitations=2)
    set_rules(http, tenant, max_invitations=2, quiet_days_after_answer=0)
    first, second = contact_rule_changes(http, tenant)
    assert first["details"] == {"before": DEFAULTS, "after": {**DEFAULTS, "max_invitations": 2}}
    assert second["details"] == {
        "before": {**DEFAULTS, "max_invitations": 2},
        "after": {**DEFAULTS, "max_invitations": 2, "quiet_days_after_answer": 0},
    }
    assert first["actor_name"].startswith("API key ")
    assert (first["target_type"], first["target_id"]) == ("workspace", str(tenant.workspace_id))
    assert contact_rule_changes(http, make_tenant(session)) == []
