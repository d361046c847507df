"""Recovery rate and times to first contact and to close, overall, per team and per agent, checked against
figures worked out by hand."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.case.factories import Agent, Desk, call, customer, make_desk, make_team, move, open_case, record
from tests.delivery.factories import Clock

pytestmark = pytest.mark.usefixtures("background_jobs_paused")
HOUR = 3600


def stamp(clock: Clock) -> str:
    return clock.now.isoformat()


def worked_case(
    http: httpx.Client, desk: Desk, agent: Agent, team: dict[str, Any], nps: int
) -> tuple[str, dict[str, Any]]:
    who = customer()
    case = open_case(http, agent, record(http, desk.admin, nps=nps, customer=who))
    call(
        http,
        desk.admin,
        "POST",
        f"/api/v1/cases/{case['id']}/assign",
        assignee_id=case["assignee_id"],
        team_id=team["id"],
    )
    return case["id"], who


def test_recovery_and_times_match_a_hand_computation(http: httpx.Client, session: Session) -> None:
    clock = Clock()
    start = clock.now
    desk = make_desk(session)
    ann, bob = desk.agent(email="ann@example.com"), desk.agent(email="bob@example.com")
    team_a, team_b = make_team(http, desk.admin, "A", ann), make_team(http, desk.admin, "B", bob)
    plan = [  # (agent, team, nps of the record, hours to contact, hours to close, NPS answered after the close)
        (ann, team_a, 2, 2, 10, 9),
        (ann, team_a, 4, 4, 20, 5),
        (bob, team_b, 0, 6, 30, None),
        (bob, team_b, 8, 8, 40, 10),
    ]
    cases = [worked_case(http, desk, agent, team, nps) for agent, team, nps, *_ in plan]
    for (case_id, who), (_, _, _, contact, close, later) in zip(cases, plan, strict=True):
        clock.now = start
        clock.advance(contact * HOUR)
        move(http, desk.admin, case_id, "contacted")
        clock.advance((close - contact) * HOUR)
        move(http, desk.admin, case_id, "resolved")
        move(http, desk.admin, case_id, "closed")
        if later is not None:
            clock.advance(HOUR)
            record(http, desk.admin, nps=later, customer={"email": who["email"]}, received_at=stamp(clock))
    figures = call(http, desk.admin, "GET", "/api/v1/cases/recovery")
    overall = figures["overall"]
    assert (
        overall["closed_cases"],
        overall["detractor_cases"],
        overall["answered_again"],
        overall["recovered"],
    ) == (4, 3, 2, 1)
    assert overall["recovery_rate"] == 0.5
    assert overall["time_to_first_contact"] == {"n": 4, "median_hours": 5.0, "p90_hours": 8.0}
    assert overall["time_to_close"] == {"n": 4, "median_hours": 25.0, "p90_hours": 40.0}
    teams = {row["group"]: row for row in figures["teams"]}
    assert (teams["A"]["answered_again"], teams["A"]["recovered"], teams["A"]["recovery_rate"]) == (2, 1, 0.5)
    assert teams["A"]["time_to_first_contact"] == {"n": 2, "median_hours": 3.0, "p90_hours": 4.0}
    assert (teams["B"]["detractor_cases"], teams["B"]["answered_again"], teams["B"]["recovery_rate"]) == (
        1,
        0,
        None,
    )
    agents = {row["group"]: row for row in figures["agents"]}
    assert agents["bob@example.com"]["time_to_close"] == {"n": 2, "median_hours": 35.0, "p90_hours": 40.0}
    assert set(agents) == {"ann@example.com", "bob@example.com"}


def test_only_answers_after_the_close_count_and_the_first_of_them_decides(
    http: httpx.Client, session: Session
) -> None:
    clock = Clock()
    desk = make_desk(session)
    who = customer()
    case = open_case(http, desk.admin, record(http, desk.admin, nps=1, customer=who))
    clock.advance(HOUR)
    record(
        http, desk.admin, nps=10, customer={"email": who["email"]}, received_at=stamp(clock)
    )  # joins the case
    for status in ("contacted", "resolved", "closed"):
        move(http, desk.admin, case["id"], status)
    clock.advance(HOUR)
    record(http, desk.admin, nps=3, customer={"email": who["email"]}, received_at=stamp(clock))
    clock.advance(HOUR)
    record(http, desk.admin, nps=9, customer={"email": who["email"]}, received_at=stamp(clock))
    overall = call(http, desk.admin, "GET", "/api/v1/cases/recovery")["overall"]
    assert (overall["answered_again"], overall["recovered"], overall["recovery_rate"]) == (1, 0, 0.0)
    later = (clock.now + timedelta(hours=1)).replace(tzinfo=None).isoformat()  # a time without zone is UTC
    assert (
        call(http, desk.admin, "GET", f"/api/v1/cases/recovery?since={later}")["overall"]["closed_cases"] == 0
    )
