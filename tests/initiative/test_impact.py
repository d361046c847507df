"""The impact view against a hand computation: planted records before and after an initiative's start, where
the targeted theme is mentioned less and the targeted touchpoint's NPS rises (significant), and a case where
nothing changed (not significant)."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.initiative.factories import Team, initiative, make_team, make_theme, plant
from tests.text.factories import analyse_all
from voxpop.kit.clock import reset_clock, set_clock

# These tests analyse what they store themselves (tests.text.factories.analyse_all); storing also queues
# the analysis job, so the test server's runner is paused meanwhile.
pytestmark = pytest.mark.usefixtures("background_jobs_paused")

REFUND = "My refund never arrived."
STAFF = "The staff were friendly."
REFUND_NPS, STAFF_NPS = [0, 3, 6, 8], [9, 10, 7, 9, 5]
BEFORE, AFTER = date(2026, 2, 10), date(2026, 3, 10)  # the initiative starts on 1 March


@pytest.fixture
def march_30() -> Iterator[None]:
    """Today is 30 March: 30 days since the start, compared with the 30 days before it."""
    set_clock(lambda: datetime(2026, 3, 30, 12, tzinfo=UTC))
    yield
    reset_clock()


def cycle(scores: list[int], count: int) -> list[int]:
    return [scores[i % len(scores)] for i in range(count)]


def nps(scores: Sequence[int]) -> tuple[float, float]:
    """docs/metrics.md: the NPS and its standard error."""
    p = sum(s >= 9 for s in scores) / len(scores)
    d = sum(s <= 6 for s in scores) / len(scores)
    return 100 * (p - d), 100 * math.sqrt((p + d - (p - d) ** 2) / len(scores))


def theme_impact(mentioning: list[int], others: list[int]) -> tuple[float, float]:
    """Score over all minus score without the theme = reach × gap; SE = reach × √(SE_with² + SE_without²)."""
    reach = len(mentioning) / (len(mentioning) + len(others))
    (with_score, with_se), (without_score, without_se) = nps(mentioning), nps(others)
    return reach * (with_score - without_score), reach * math.hypot(with_se, without_se)


def two_sided_p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))


def plant_window(
    session: Session, team: Team, day: date, refunds: int, staff: int, touchpoint: list[int]
) -> dict[str, list[int]]:
    groups = {
        "refund": cycle(REFUND_NPS, refunds),
        "staff": cycle(STAFF_NPS, staff),
        "touchpoint": touchpoint,
    }
    plant(session, team.workspace_id, day, [(REFUND, s) for s in groups["refund"]])
    plant(session, team.workspace_id, day, [(STAFF, s) for s in groups["staff"]])
    plant(session, team.workspace_id, day, [(None, s) for s in touchpoint], touchpoint="refunds")
    return groups


def impact_of(http: httpx.Client, team: Team, theme: uuid.UUID, **params: Any) -> dict[str, Any]:
    body = initiative(team.owner, targets={"themes": [str(theme)], "touchpoints": ["refunds"]})
    created = http.post("/api/v1/initiatives", json=body, headers=team.analyst.headers()).json()
    reply = http.get(
        f"/api/v1/initiatives/{created['id']}/impact", params=params, headers=team.analyst.headers()
    )
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def by_measure(found: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(m["target"], m["measure"]): m for m in found["measures"]}


def test_fewer_mentions_a_smaller_theme_impact_and_a_higher_nps_are_significant_improvements(
    session: Session, http: httpx.Client, march_30: None
) -> None:
    team = make_team(session)
    refunds = make_theme(session, team.workspace_id, "Refunds", "my refund has not arrived")
    before = plant_window(session, team, BEFORE, 60, 40, cycle([2, 4, 9, 6], 40))
    after = plant_window(session, team, AFTER, 12, 70, cycle([9, 10, 9, 7], 40))
    analyse_all(session, team.workspace_id)
    found = impact_of(http, team, refunds)
    assert (found["before"], found["after"]) == (
        {"since": "2026-01-30", "until": "2026-02-28"},
        {"since": "2026-03-01", "until": "2026-03-30"},
    )
    measures = by_measure(found)
    assert set(measures) == {
        ("theme", "share of records with text mentioning it"),
        ("theme", "negative share of its sentences"),
        ("theme", "impact on NPS"),
        ("touchpoint", "NPS"),
    }

    mentions = measures[("theme", "share of records with text mentioning it")]
    (a_hits, a_n), (b_hits, b_n) = (12, 82), (60, 100)
    pooled = (a_hits + b_hits) / (a_n + b_n)
    z = (a_hits / a_n - b_hits / b_n) / math.sqrt(pooled * (1 - pooled) * (1 / a_n + 1 / b_n))
    assert mentions["before"]["value"] == pytest.approx(60.0) and mentions["before"]["n"] == 100
    assert mentions["after"]["value"] == pytest.approx(100 * 12 / 82) and mentions["after"]["n"] == 82
    assert mentions["test"] == "two-proportion z-test"
    assert mentions["p_value"] == pytest.approx(two_sided_p(z))
    assert mentions["outcome"] == "better"  # fewer mentions
    assert mentions["after_records"] == f"/themes/{refunds}"

    negative = measures[("theme", "negative share of its sentences")]
    assert (negative["before"]["n"], negative["after"]["n"]) == (60, 12)

    impact = measures[("theme", "impact on NPS")]
    then, then_se = theme_impact(before["refund"], before["staff"] + before["touchpoint"])
    now, now_se = theme_impact(after["refund"], after["staff"] + after["touchpoint"])
    assert impact["before"]["value"] == pytest.approx(then)
    assert impact["after"]["value"] == pytest.approx(now)
    assert impact["difference"] == pytest.approx(now - then)
    assert impact["p_value"] == pytest.approx(two_sided_p((now - then) / math.hypot(now_se, then_se)))
    assert impact["p_value"] < 0.05 and impact["outcome"] == "better"
    assert not impact["after"]["reliable"]  # 12 answers mention the theme after the start, below 30
    assert impact["before_records"] == "/records?metric=nps&since=2026-01-30&until=2026-02-28"

    touchpoint = measures[("touchpoint", "NPS")]
    (score_then, se_then), (score_now, se_now) = nps(before["touchpoint"]), nps(after["touchpoint"])
    assert (touchpoint["before"]["value"], touchpoint["after"]["value"]) == (
        pytest.approx(score_then),
        pytest.approx(score_now),
    )
    assert touchpoint["p_value"] == pytest.approx(
        two_sided_p((score_now - score_then) / math.hypot(se_now, se_then))
    )
    assert touchpoint["test"].startswith("z-test on the NPS difference")
    assert touchpoint["outcome"] == "better"
    assert touchpoint["after_records"] == (
        "/records?metric=nps&where=touchpoint%3Drefunds&since=2026-03-01&until=2026-03-30"
    )
    records = http.get(
        "/api/v1/records",
        params={"metric": "nps", "where": "touchpoint=refunds", "since": "2026-03-01", "until": "2026-03-30"},
        headers=team.analyst.headers(),
    ).json()
    assert records["total"] == touchpoint["after"]["n"] == 40
    assert found["verdict"].startswith("Better: 3 of ")


def test_the_same_mix_before_and_after_is_no_significant_change(
    session: Session, http: httpx.Client, march_30: None
) -> None:
    team = make_team(session)
    refunds = make_theme(session, team.workspace_id, "Refunds", "my refund has not arrived")
    plant_window(session, team, BEFORE, 40, 40, cycle([2, 4, 9, 6], 40))
    plant_window(session, team, AFTER, 38, 40, cycle([2, 9, 4, 6], 40))
    analyse_all(session, team.workspace_id)
    found = impact_of(http, team, refunds)
    outcomes = {key: m["outcome"] for key, m in by_measure(found).items()}
    assert outcomes[("theme", "share of records with text mentioning it")] == "no change"
    assert outcomes[("theme", "impact on NPS")] == "no change"
    assert outcomes[("touchpoint", "NPS")] == "no change"
    assert all(m["p_value"] is None or m["p_value"] > 0.05 for m in found["measures"])
    assert found["verdict"].startswith("No significant change in ")


def test_windows_can_be_set_and_an_initiative_not_started_has_nothing_to_judge(
    session: Session, http: httpx.Client, march_30: None
) -> None:
    team = make_team(session)
    refunds = make_theme(session, team.workspace_id, "Refunds", "my refund has not arrived")
    found = impact_of(http, team, refunds, before_days=90, after_days=7)
    assert (found["before"], found["after"]) == (
        {"since": "2025-12-01", "until": "2026-02-28"},
        {"since": "2026-03-01", "until": "2026-03-07"},
    )
    assert found["verdict"] == "Not enough answers yet to judge"
    later = initiative(team.owner, starts_on="2026-04-15")
    created = http.post("/api/v1/initiatives", json=later, headers=team.analyst.headers()).json()
    reply = http.get(f"/api/v1/initiatives/{created['id']}/impact", headers=team.analyst.headers())
    assert reply.json()["verdict"] == "Not started yet (starts 2026-04-15)"
    assert reply.json()["measures"] == [] and reply.json()["after"] is None
    refused = http.get(
        f"/api/v1/initiatives/{created['id']}/impact",
        params={"before_days": 0},
        headers=team.analyst.headers(),
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["problems"][0]["field"] == "before_days"
