"""The `open_case` rule action, called through the rule registry with a Match the test builds: it checks its
parameters precisely and assigns to a user, a team, round-robin within a team (fairly), or by region."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.case.factories import Desk, call, customer, make_desk, make_team, record
from tests.delivery.factories import run_jobs
from tests.factories import writing
from voxpop.case import jobs  # noqa: F401  (registers the action, as every process loading the jobs does)
from voxpop.kit.errors import Invalid
from voxpop.rule import actions
from voxpop.rule.actions import Match

pytestmark = pytest.mark.usefixtures("background_jobs_paused")


def run_rule(session: Session, desk: Desk, feedback_id: str, **params: Any) -> dict[str, Any]:
    action = actions.get("open_case")
    checked = action.check(params)
    match = Match(desk.admin.workspace_id, uuid.uuid4(), "Detractors", feedback_id=uuid.UUID(feedback_id))
    with writing(session) as writer:
        action.run(writer, match, checked)
    return checked


def case_of(http: httpx.Client, desk: Desk, feedback_id: str) -> dict[str, Any]:
    cases = [
        call(http, desk.admin, "GET", f"/api/v1/cases/{c['id']}")
        for c in call(http, desk.admin, "GET", "/api/v1/cases")
    ]
    (found,) = [c for c in cases if feedback_id in c["feedback_ids"]]
    return dict(found)


def test_the_rule_action_checks_its_parameters_naming_each_wrong_field() -> None:
    action = actions.get("open_case")
    with pytest.raises(Invalid) as refused:
        action.check(
            {"priority": "critical", "assignment": {"type": "round_robin"}, "first_contact_hours": -1}
        )
    fields = sorted(p.field or "" for p in refused.value.problems)
    assert fields == ["assignment.round_robin.team", "first_contact_hours", "priority"]
    assert action.check({"assignment": {"type": "team", "team": " Care "}}) == {
        "priority": "normal",
        "assignment": {"type": "team", "team": "Care"},
    }


def test_a_rule_opens_a_case_assigned_to_a_named_user_with_the_rule_in_its_history(
    http: httpx.Client, session: Session
) -> None:
    desk = make_desk(session)
    agent = desk.agent()
    feedback_id = record(http, desk.admin, customer=customer())
    run_rule(session, desk, feedback_id, priority="high", assignment={"type": "user", "email": agent.email})
    case = case_of(http, desk, feedback_id)
    assert case["priority"] == "high" and case["assignee_id"] is not None
    assert case["events"][0]["actor"] == "rule Detractors"
    assert [c["id"] for c in call(http, agent, "GET", "/api/v1/cases?mine=true")] == [case["id"]]


def test_round_robin_hands_cases_to_each_team_member_in_turn(http: httpx.Client, session: Session) -> None:
    desk = make_desk(session)
    agents = [desk.agent() for _ in range(3)]
    make_team(http, desk.admin, "Care", *agents)
    for _ in range(7):
        run_rule(
            session,
            desk,
            record(http, desk.admin, customer=customer()),
            assignment={"type": "round_robin", "team": "Care"},
        )
    counts = Counter(len(call(http, agent, "GET", "/api/v1/cases?mine=true")) for agent in agents)
    assert counts == Counter({3: 1, 2: 2})
    cases = call(http, desk.admin, "GET", "/api/v1/cases?sort=opened")
    order = [c["assignee_id"] for c in reversed(cases)]
    assert order[:3] == order[3:6] and len(set(order[:3])) == 3 and order[6] == order[0]


def test_the_region_attribute_of_the_customer_picks_the_team_and_a_default_catches_the_rest(
    http: httpx.Client, session: Session
) -> None:
    desk = make_desk(session)
    north_agent, south_agent = desk.agent(), desk.agent()
    north = make_team(http, desk.admin, "North", north_agent)
    south = make_team(http, desk.admin, "South", south_agent)
    rule = {"type": "region", "attribute": "region", "teams": {"north": "North"}, "default": "South"}
    from_north = record(http, desk.admin, customer=customer(region="north"))
    from_elsewhere = record(http, desk.admin, customer=customer(region="east"))
    for feedback_id in (from_north, from_elsewhere):
        run_rule(session, desk, feedback_id, assignment=rule)
    assert case_of(http, desk, from_north)["team_id"] == north["id"]
    assert case_of(http, desk, from_elsewhere)["team_id"] == south["id"]
    assert len(call(http, north_agent, "GET", "/api/v1/cases?mine=true")) == 1
    assert len(call(http, south_agent, "GET", "/api/v1/cases?mine=true")) == 1


def test_an_assignment_that_no_longer_resolves_leaves_the_case_open_and_unassigned_saying_why(
    http: httpx.Client, session: Session
) -> None:
    desk = make_desk(session)
    feedback_id = record(http, desk.admin, customer=customer())
    run_rule(session, desk, feedback_id, assignment={"type": "team", "team": "Gone"})
    case = case_of(http, desk, feedback_id)
    assert case["assignee_id"] is None and case["team_id"] is None
    assert case["events"][1]["kind"] == "assignment_failed"
    assert case["events"][1]["details"] == {"reason": "there is no team named 'Gone'"}


def test_a_rule_matching_the_same_record_twice_opens_one_case(http: httpx.Client, session: Session) -> None:
    desk = make_desk(session)
    feedback_id = record(http, desk.admin, customer=customer())
    run_rule(session, desk, feedback_id)
    run_rule(session, desk, feedback_id)
    assert len(call(http, desk.admin, "GET", "/api/v1/cases")) == 1


def test_a_rule_matching_an_insight_opens_no_case(session: Session, http: httpx.Client) -> None:
    desk = make_desk(session)
    match = Match(desk.admin.workspace_id, uuid.uuid4(), "Themes", insight_id=uuid.uuid4())
    with writing(session) as writer:
        actions.get("open_case").run(writer, match, {})
    assert call(http, desk.admin, "GET", "/api/v1/cases") == []


def test_a_saved_rule_with_the_open_case_action_opens_a_case_for_a_matching_record(
    http: httpx.Client, session: Session
) -> None:
    desk = make_desk(session)
    rule = {
        "name": "Detractors",
        "conditions": {"nps": {"max": 6}},
        "actions": [{"type": "open_case", "params": {"priority": "high"}}],
    }
    call(http, desk.admin, "POST", "/api/v1/rules", 201, **rule)
    bad = {**rule, "name": "Bad", "actions": [{"type": "open_case", "params": {"priority": "now"}}]}
    error = call(http, desk.admin, "POST", "/api/v1/rules", 422, **bad)["error"]
    assert [p["field"] for p in error["problems"]] == ["actions[0].params.priority"]
    detractor = record(http, desk.admin, nps=2, customer=customer())
    record(http, desk.admin, nps=9, customer=customer())
    run_jobs()
    (case,) = call(http, desk.admin, "GET", "/api/v1/cases")
    assert case["priority"] == "high"
    assert call(http, desk.admin, "GET", f"/api/v1/cases/{case['id']}")["feedback_ids"] == [detractor]
