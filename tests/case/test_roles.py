"""Who sees and works which case: agents their own and their teams' (anything else is 404), admins every
case and the set-up, analysts and viewers the recovery figures only; keys of another workspace see
nothing, can change nothing and learn nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.case.factories import Desk, call, customer, make_desk, make_team, move, open_case, record
from tests.factories import make_key

pytestmark = pytest.mark.usefixtures("background_jobs_paused")


def three_cases(http: httpx.Client, desk: Desk) -> tuple[dict[str, Any], ...]:
    """An agent's own case, a case of their team (unassigned) and someone else's case."""
    me, mate, stranger = desk.agent(), desk.agent(), desk.agent()
    team = make_team(http, desk.admin, "Care", me, mate)
    own = open_case(http, me, record(http, desk.admin, customer=customer()))
    teams = open_case(http, desk.admin, record(http, desk.admin, customer=customer()))
    call(http, desk.admin, "POST", f"/api/v1/cases/{teams['id']}/assign", team_id=team["id"])
    other = open_case(http, stranger, record(http, desk.admin, customer=customer()))
    return own, teams, other


def test_an_agent_sees_their_own_and_their_teams_cases_and_nothing_else(
    http: httpx.Client, session: Session
) -> None:
    desk = make_desk(session)
    own, teams, other = three_cases(http, desk)
    me = desk.agents[0]
    assert {c["id"] for c in call(http, me, "GET", "/api/v1/cases")} == {own["id"], teams["id"]}
    for case in (own, teams):
        assert call(http, me, "GET", f"/api/v1/cases/{case['id']}")["id"] == case["id"]
    for method, path, body in (
        ("GET", "", {}),
        ("GET", "/timeline", {}),
        ("POST", "/status", {"status": "contacted"}),
        ("POST", "/notes", {"text": "hello"}),
        ("PATCH", "", {"priority": "low"}),
    ):
        error = call(http, me, method, f"/api/v1/cases/{other['id']}{path}", 404, **body)["error"]
        assert error["message"] == f"case {other['id']} not found"
    assert call(http, desk.admin, "GET", f"/api/v1/cases/{other['id']}")["status"] == "new"
    assert {c["id"] for c in call(http, desk.admin, "GET", "/api/v1/cases")} == {
        own["id"],
        teams["id"],
        other["id"],
    }


def test_an_agent_who_opens_a_case_by_hand_takes_it_and_may_hand_it_only_within_their_teams(
    http: httpx.Client, session: Session
) -> None:
    desk = make_desk(session)
    own, teams, other = three_cases(http, desk)
    me = desk.agents[0]
    assert own["assignee_id"] is not None and own["events"][-1]["actor"] == me.email
    path = f"/api/v1/cases/{teams['id']}/assign"
    taken = call(http, me, "POST", path, assignee_id=own["assignee_id"], team_id=teams["team_id"])
    assert taken["assignee_id"] == own["assignee_id"]
    path = f"/api/v1/cases/{own['id']}/assign"
    error = call(http, me, "POST", path, 403, assignee_id=other["assignee_id"])["error"]
    assert error["message"] == "agents may assign cases only to themselves, their teams and their team mates"
    error = call(http, me, "POST", path, 403, assignee_id=None)["error"]
    assert error["message"].startswith("agents may not leave a case without an owner")
    assert call(http, me, "GET", f"/api/v1/cases/{own['id']}")["assignee_id"] == own["assignee_id"]


def test_set_up_is_for_admins_and_agents_may_read_it(http: httpx.Client, session: Session) -> None:
    desk = make_desk(session)
    agent = desk.agent()
    for path, body in (
        ("/api/v1/case-teams", {"name": "Care"}),
        ("/api/v1/case-codes", {"kind": "resolution", "code": "refund", "label": "Refund"}),
        ("/api/v1/case-templates", {"name": "Sorry", "subject": "Sorry", "body": "Hi {first_name}"}),
    ):
        error = call(http, agent, "POST", path, 403, **body)["error"]
        assert error["message"].startswith("only admins may")
        call(http, desk.admin, "POST", path, 201, **body)
        assert len(call(http, agent, "GET", path)) == 1


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_analysts_and_viewers_read_the_recovery_figures_but_no_case(
    http: httpx.Client, session: Session, role: str
) -> None:
    desk = make_desk(session)
    case = open_case(http, desk.admin, record(http, desk.admin, customer=customer()))
    reader = desk.agent(role)
    for path in ("/api/v1/cases", f"/api/v1/cases/{case['id']}", "/api/v1/case-teams"):
        error = call(http, reader, "GET", path, 403)["error"]
        assert error["message"] == f"the role {role!r} may not work cases"
    call(http, reader, "POST", "/api/v1/cases", 403, feedback_id=case["feedback_ids"][0])
    assert call(http, reader, "GET", "/api/v1/cases/recovery")["overall"]["closed_cases"] == 0


def test_an_agent_key_tied_to_no_user_is_told_to_tie_one(http: httpx.Client, session: Session) -> None:
    desk = make_desk(session)
    key = make_key(session, desk.admin.workspace_id, "agent")
    reply = http.get("/api/v1/cases", headers={"Authorization": f"Bearer {key}"})
    assert reply.status_code == 403
    assert reply.json()["error"]["message"] == (
        "an agent's API key must be tied to a user (voxpop apikey create --user EMAIL)"
    )


def test_another_workspace_cannot_read_change_or_guess_a_case(http: httpx.Client, session: Session) -> None:
    ours, theirs = make_desk(session), make_desk(session)
    case = open_case(http, ours.admin, record(http, ours.admin, customer=customer()))
    team = make_team(http, ours.admin, "Care")
    for method, path, body in (
        ("GET", f"/api/v1/cases/{case['id']}", {}),
        ("GET", f"/api/v1/cases/{case['id']}/timeline", {}),
        ("POST", f"/api/v1/cases/{case['id']}/status", {"status": "contacted"}),
        ("POST", f"/api/v1/cases/{case['id']}/email", {}),
        ("POST", f"/api/v1/case-teams/{team['id']}/members", {"email": "x@example.com"}),
    ):
        assert call(http, theirs.admin, method, path, 404, **body)["error"]["code"] == "not_found"
    call(http, theirs.admin, "POST", "/api/v1/cases", 404, feedback_id=case["feedback_ids"][0])
    assert call(http, theirs.admin, "GET", "/api/v1/cases") == []
    assert call(http, theirs.admin, "GET", "/api/v1/case-teams") == []
    their_team = make_team(http, theirs.admin, "Theirs")
    error = call(
        http, ours.admin, "POST", f"/api/v1/cases/{case['id']}/assign", 422, team_id=their_team["id"]
    )["error"]
    assert error["problems"] == [{"field": "team_id", "reason": "is not a team of this workspace"}]
    move(http, ours.admin, case["id"], "contacted")
