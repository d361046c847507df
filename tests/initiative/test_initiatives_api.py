"""Initiatives over the API: analysts and admins create, change and delete them (each change in the audit
log); everyone reads; bad input is refused field by field; another workspace cannot see or touch them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.factories import make_tenant, make_user
from tests.initiative.factories import Team, initiative, make_team, make_theme

API = "/api/v1/initiatives"


def create(http: httpx.Client, team: Team, **overrides: Any) -> dict[str, Any]:
    reply = http.post(API, json=initiative(team.owner, **overrides), headers=team.analyst.headers())
    assert reply.status_code == 201, reply.text
    return dict(reply.json())


def problems(reply: httpx.Response) -> list[tuple[str | None, str]]:
    assert reply.status_code == 422, reply.text
    return [(p.get("field"), p["reason"]) for p in reply.json()["error"]["problems"]]


def test_an_analyst_creates_reads_changes_and_deletes_an_initiative(
    session: Session, http: httpx.Client
) -> None:
    team = make_team(session)
    refunds = make_theme(session, team.workspace_id, "Refunds", "my refund has not arrived")
    segments = [{"field": "customer.plan", "value": "pro"}]
    created = create(
        http,
        team,
        targets={"themes": [str(refunds)], "channels": [" Email "], "segments": segments},
    )
    assert created["owner"] == team.owner and created["status"] == "in_progress"
    assert created["targets"]["themes"] == [str(refunds)]
    assert created["targets"]["channels"] == ["email"]  # as records store them
    assert created["targets"]["segments"] == segments
    headers = team.analyst.headers()
    assert http.get(f"{API}/{created['id']}", headers=headers).json() == created

    changed = http.patch(
        f"{API}/{created['id']}", json={"status": "done", "ends_on": "2026-04-30"}, headers=headers
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["status"], changed.json()["ends_on"]) == ("done", "2026-04-30")
    assert changed.json()["name"] == "Faster refunds"  # fields not given stay
    assert [i["id"] for i in http.get(API, params={"status": "done"}, headers=headers).json()] == [
        created["id"]
    ]
    assert http.get(API, params={"status": "planned"}, headers=headers).json() == []

    assert http.delete(f"{API}/{created['id']}", headers=headers).status_code == 204
    assert http.get(f"{API}/{created['id']}", headers=headers).status_code == 404


def test_every_change_is_in_the_audit_log(session: Session, http: httpx.Client) -> None:
    team = make_team(session)
    created = create(http, team)
    headers = team.analyst.headers()
    http.patch(f"{API}/{created['id']}", json={"name": "Refunds in two days"}, headers=headers)
    http.patch(f"{API}/{created['id']}", json={"name": "Refunds in two days"}, headers=headers)  # no change
    colleague = make_user(session, team.workspace_id, "viewer")
    handed = http.patch(f"{API}/{created['id']}", json={"owner": colleague.upper()}, headers=headers)
    assert handed.json()["owner"] == colleague
    http.delete(f"{API}/{created['id']}", headers=headers)
    log = http.get("/api/v1/audit", headers=team.key(session, "admin")).json()["items"]
    entries = [(e["action"], e["target_id"], e["details"]) for e in reversed(log)]
    assert entries == [
        ("initiative.create", created["id"], {"name": "Faster refunds", "status": "in_progress"}),
        ("initiative.change", created["id"], {"name": "Refunds in two days", "changed": ["name"]}),
        ("initiative.change", created["id"], {"name": "Refunds in two days", "changed": ["owner"]}),
        ("initiative.delete", created["id"], {"name": "Refunds in two days"}),
    ]


@pytest.mark.parametrize("role", ["viewer", "agent"])
def test_viewers_and_agents_read_initiatives_but_cannot_create_change_or_delete_them(
    session: Session, http: httpx.Client, role: str
) -> None:
    team = make_team(session)
    created = create(http, team)
    headers = team.key(session, role)
    assert http.get(API, headers=headers).json()[0]["id"] == created["id"]
    assert http.get(f"{API}/{created['id']}/impact", headers=headers).status_code == 200
    refused = [
        http.post(API, json=initiative(team.owner), headers=headers),
        http.patch(f"{API}/{created['id']}", json={"status": "done"}, headers=headers),
        http.delete(f"{API}/{created['id']}", headers=headers),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403]
    assert http.get(f"{API}/{created['id']}", headers=headers).json() == created


def test_an_admin_may_manage_initiatives_too(session: Session, http: httpx.Client) -> None:
    team = make_team(session)
    reply = http.post(API, json=initiative(team.owner), headers=team.key(session, "admin"))
    assert reply.status_code == 201


def test_bad_input_is_refused_with_the_field_and_the_reason(session: Session, http: httpx.Client) -> None:
    team = make_team(session)
    headers = team.analyst.headers()
    parent = make_theme(session, team.workspace_id, "Billing", "I was charged twice")
    from tests.factories import writing
    from voxpop.text import themes

    with writing(session) as writer:
        child = themes.add(writer, team.workspace_id, "Refunds", ["my refund is late"], "", parent).id
    unknown = "0b0e8a4e-6a4c-4a43-9d8f-6d2b0a3a1f00"

    def refused(**overrides: Any) -> list[tuple[str | None, str]]:
        body = {**initiative(team.owner), **overrides}
        return problems(http.post(API, json=body, headers=headers))

    assert refused(targets={"themes": [str(parent), unknown]}) == [
        ("targets.themes[1]", "is not a theme of this workspace")
    ]
    assert refused(targets={"themes": [str(child)]}) == [
        ("targets.themes[0]", "is a sub-theme of “Billing”; target that theme")
    ]
    assert refused(ends_on="2026-02-27") == [("ends_on", "must not be before starts_on (2026-03-01)")]
    [(field, reason)] = refused(status="finished")
    assert field == "status" and "'in_progress'" in reason
    [(field, reason)] = refused(targets={"lifecycle_stages": ["checkout"]})
    assert field == "targets.lifecycle_stages[0]" and "'checkout' is not a lifecycle stage" in reason
    [(field, _)] = refused(targets={"segments": [{"field": "plan", "value": "pro"}]})
    assert field == "targets.segments[0].field"
    [(field, _)] = refused(starts_on="next week")
    assert field == "starts_on"
    assert refused(owner="nobody@example.com") == [
        ("owner", "no member of this workspace has the email 'nobody@example.com'")
    ]
    assert http.get(API, headers=headers).json() == []  # nothing half-written


def test_a_day_outside_the_years_the_app_keeps_is_refused(session: Session, http: httpx.Client) -> None:
    team = make_team(session)
    reply = http.post(
        API, json=initiative(team.owner, starts_on="0047-03-01"), headers=team.analyst.headers()
    )
    assert problems(reply) == [("starts_on", "0047-03-01 is not a day from 1900-01-01 to 2999-12-31")]
    created = create(http, team)
    change = {"ends_on": "9999-12-31"}
    reply = http.patch(f"{API}/{created['id']}", json=change, headers=team.analyst.headers())
    assert problems(reply) == [("ends_on", "9999-12-31 is not a day from 1900-01-01 to 2999-12-31")]


def test_a_change_that_would_end_before_the_start_changes_nothing(
    session: Session, http: httpx.Client
) -> None:
    team = make_team(session)
    created = create(http, team, ends_on="2026-04-30")
    headers = team.analyst.headers()
    reply = http.patch(
        f"{API}/{created['id']}", json={"starts_on": "2026-05-01", "name": "Later"}, headers=headers
    )
    assert problems(reply) == [("ends_on", "must not be before starts_on (2026-05-01)")]
    assert problems(http.patch(f"{API}/{created['id']}", json={"name": None}, headers=headers)) == [
        ("name", "must have a value")
    ]
    assert http.get(f"{API}/{created['id']}", headers=headers).json() == created


def test_another_workspace_can_neither_read_nor_change_nor_target_this_ones_things(
    session: Session, http: httpx.Client
) -> None:
    team = make_team(session)
    theme = make_theme(session, team.workspace_id, "Refunds", "my refund has not arrived")
    created = create(http, team)
    stranger = make_tenant(session, "admin")
    outsider = make_user(session, stranger.workspace_id, "analyst")
    path = f"{API}/{created['id']}"
    headers = stranger.headers()
    assert http.get(API, headers=headers).json() == []
    answers = [
        http.get(path, headers=headers),
        http.get(f"{path}/impact", headers=headers),
        http.patch(path, json={"status": "cancelled"}, headers=headers),
        http.delete(path, headers=headers),
    ]
    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    assert http.get(path, headers=team.analyst.headers()).json() == created
    # the other workspace's theme and member are unknown here, worded as if they did not exist at all
    foreign = initiative(outsider, targets={"themes": [str(theme)]})
    assert problems(http.post(API, json=foreign, headers=headers)) == [
        ("targets.themes[0]", "is not a theme of this workspace")
    ]
    assert problems(http.post(API, json=initiative(outsider), headers=team.analyst.headers())) == [
        ("owner", f"no member of this workspace has the email {outsider!r}")
    ]
