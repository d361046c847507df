"""The rule API: the life of a rule (with its audit trail), definitions refused with every problem named by
its field, who may change rules, and the wall between workspaces."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.factories import make_key, make_tenant, post, writing
from tests.rule.factories import create_rule, recent, rule, send
from voxpop.text import themes


def test_a_rule_is_created_read_changed_switched_and_deleted_and_each_change_is_audited(
    session: Session, http: httpx.Client
) -> None:
    tenant = make_tenant(session)
    created = create_rule(http, tenant, conditions={"nps": {"max": 6}, "channels": [" Email "]})
    assert created["conditions"] == {"nps": {"max": 6}, "channels": ["email"]}
    assert created["enabled"] is True and created["enabled_at"] is not None
    path = f"/api/v1/rules/{created['id']}"
    assert http.get(path, headers=tenant.headers()).json() == created
    changed = http.put(path, json=rule(name="Angry detractors"), headers=tenant.headers()).json()
    assert changed["name"] == "Angry detractors"
    off = post(http, tenant, f"{path}/disable", None).json()
    assert off["enabled"] is False and off["enabled_at"] is None
    assert post(http, tenant, f"{path}/enable", None).json()["enabled"] is True
    assert [r["id"] for r in http.get("/api/v1/rules", headers=tenant.headers()).json()] == [created["id"]]
    assert http.delete(path, headers=tenant.headers()).status_code == 204
    assert http.get(path, headers=tenant.headers()).status_code == 404
    audit = http.get("/api/v1/audit", headers=tenant.headers()).json()["items"]
    assert [e["action"] for e in reversed(audit)] == [
        "rule.create",
        "rule.change",
        "rule.disable",
        "rule.enable",
        "rule.delete",
    ]


def problems_of(reply: httpx.Response) -> dict[str, str]:
    assert reply.status_code == 422, reply.text
    return {p.get("field"): p["reason"] for p in reply.json()["error"]["problems"]}


def test_a_bad_definition_is_refused_naming_every_field_and_nothing_is_stored(
    session: Session, http: httpx.Client
) -> None:
    tenant, other = make_tenant(session), make_tenant(session)
    with writing(session) as writer:
        foreign = themes.add(writer, other.workspace_id, "Refunds", ["I want my money back"], "")
    body = rule(
        conditions={
            "nps": {"min": 9, "max": 6},
            "csat": {"max": 6},
            "themes": [str(foreign.id)],
            "signals": ["churn_intent", "teleportation"],
            "customer": [{"key": "plan", "equals": "gold", "min": 3}],
            "colour": ["red"],
        },
        actions=[
            {"type": "tag", "params": {"tags": [""]}},
            {"type": "notify_email", "params": {"to": ["ops@example.com", "not an address"]}},
            {"type": "launch_rocket", "params": {}},
            {"type": "notify_webhook", "params": {"url": "http://example.com"}},
        ],
    )
    problems = problems_of(post(http, tenant, "/api/v1/rules", body))
    assert set(problems) == {
        "conditions.nps.max",
        "conditions.csat.max",
        "conditions.signals[1]",
        "conditions.customer[0]",
        "conditions.colour",
        "actions[0].params.tags[0]",
        "actions[1].params.to[1]",
        "actions[2].type",
        "actions[3].params.url",
    }
    assert "must not be below min (9)" in problems["conditions.nps.max"]
    assert "less than or equal to 5" in problems["conditions.csat.max"]
    assert "exactly one test" in problems["conditions.customer[0]"]
    assert problems["actions[0].params.tags[0]"] == "must be 1 to 50 characters"
    assert "not a valid email address" in problems["actions[1].params.to[1]"]
    assert "use one of:" in problems["actions[2].type"] and "notify_email" in problems["actions[2].type"]
    assert problems["actions[3].params.url"] == "takes no parameters"
    foreign_theme = rule(conditions={"themes": [str(foreign.id)]})
    problems = problems_of(post(http, tenant, "/api/v1/rules", foreign_theme))
    assert problems == {"conditions.themes[0]": "is not a theme of this workspace"}
    assert http.get("/api/v1/rules", headers=tenant.headers()).json() == []


def test_an_insight_rule_takes_insight_conditions_and_cannot_tag(
    session: Session, http: httpx.Client
) -> None:
    tenant = make_tenant(session)
    body = rule(subject="insight", conditions={"nps": {"max": 6}})
    assert problems_of(post(http, tenant, "/api/v1/rules", body)) == {
        "conditions.nps": "Extra inputs are not permitted",
        "actions[0].type": "acts on feedback records only",
    }
    body = rule(subject="insight", conditions={"kinds": ["new_theme"]}, actions=[{"type": "notify_webhook"}])
    assert post(http, tenant, "/api/v1/rules", body).status_code == 201


@pytest.mark.parametrize("role", ["viewer", "agent"])
def test_viewers_and_agents_read_and_dry_run_rules_but_cannot_change_them(
    session: Session, http: httpx.Client, role: str
) -> None:
    owner = make_tenant(session)
    created = create_rule(http, owner)
    headers = {"Authorization": f"Bearer {make_key(session, owner.workspace_id, role)}"}
    path = f"/api/v1/rules/{created['id']}"
    assert http.get(path, headers=headers).status_code == 200
    assert http.post(f"{path}/dry-run", headers=headers).status_code == 200
    refused = [
        http.post("/api/v1/rules", json=rule(), headers=headers),
        http.put(path, json=rule(name="mine now"), headers=headers),
        http.post(f"{path}/disable", headers=headers),
        http.delete(path, headers=headers),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403, 403]
    assert http.get(path, headers=headers).json() == created


def test_another_workspace_cannot_see_change_dry_run_or_guess_a_rule_or_its_tags(
    session: Session, http: httpx.Client
) -> None:
    owner, stranger = make_tenant(session), make_tenant(session)
    created = create_rule(http, owner)
    (record,) = send(http, owner, recent(nps=2))
    path = f"/api/v1/rules/{created['id']}"
    headers = stranger.headers()
    replies: list[Any] = [
        http.get(path, headers=headers),
        http.put(path, json=rule(name="taken"), headers=headers),
        http.post(f"{path}/disable", headers=headers),
        http.post(f"{path}/dry-run", headers=headers),
        http.get(f"{path}/matches", headers=headers),
        http.delete(path, headers=headers),
        http.get(f"/api/v1/feedback/{record}/tags", headers=headers),
    ]
    assert [r.status_code for r in replies] == [404] * 7
    assert http.get("/api/v1/rules", headers=headers).json() == []
    assert http.get(path, headers=owner.headers()).json() == created
