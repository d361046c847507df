"""Funnel figures: invited, started, completed, rates, median time to complete, and drop-off per question."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy.orm import Session

from tests.factories import make_tenant
from tests.survey.factories import Respondent, create_survey
from tests.survey.test_distribution import invite
from voxpop.kit.clock import set_clock


def test_the_funnel_counts_each_step_per_channel(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    survey = create_survey(http, tenant)
    links = invite(
        http, tenant, survey["id"], *({"email": f"p{i}@example.com"} for i in range(4)), channel="email"
    )
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    for index, (link, minutes) in enumerate(zip(links[:3], (2, 4, None), strict=True)):
        set_clock(lambda: start)
        respondent = Respondent(http)
        respondent.open(link["path"])
        respondent.answer({"nps": 3 + index})
        if minutes is not None:
            set_clock(lambda m=minutes: start + timedelta(minutes=m))
            respondent.answer({"improve": "slow"})
    anonymous = Respondent(http)
    anonymous.open(survey["path"] + "?via=qr")
    anonymous.answer({"nps": 9})
    figures = http.get(f"/api/v1/surveys/{survey['id']}/funnel", headers=tenant.headers()).json()
    email = next(c for c in figures["channels"] if c["channel"] == "email")
    assert (email["invited"], email["started"], email["completed"]) == (4, 3, 2)
    assert email["response_rate"] == 0.5
    assert email["completion_rate"] == round(2 / 3, 4)
    assert email["median_seconds_to_complete"] == 180.0
    qr = next(c for c in figures["channels"] if c["channel"] == "qr")
    assert (qr["invited"], qr["started"], qr["completed"], qr["response_rate"]) == (None, 1, 0, None)
    by_question = {q["question"]: q for q in figures["questions"]}
    assert by_question["nps"] == {"question": "nps", "reached": 4, "answered": 4, "dropped_here": 0}
    assert by_question["improve"] == {"question": "improve", "reached": 3, "answered": 2, "dropped_here": 1}
    assert by_question["liked"] == {"question": "liked", "reached": 1, "answered": 0, "dropped_here": 1}
    assert figures["total"]["started"] == 4
