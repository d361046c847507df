"""The attention scan: a shift planted in one segment of generated answers is found in that segment, starting
within a month of the planted start, and segments without a shift stay off the list."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.factories import feedback, make_tenant, post
from voxpop.insight import attention
from voxpop.insight.changepoints import change_points

FIRST_WEEK = date(2024, 9, 2)
WEEKS = 40
SHIFT = date(2025, 3, 12)
STORES = ("north", "south", "east")


def _nps(rng: random.Random, promoters: float, detractors: float) -> int:
    draw = rng.random()
    if draw < promoters:
        return rng.choice((9, 10))
    if draw < promoters + detractors:
        return rng.randint(0, 6)
    return rng.choice((7, 8))


def planted_answers() -> list[dict[str, object]]:
    """25 answers a week a store for 40 weeks; store north's NPS falls from +30 to −20 on 12 March 2025."""
    rng = random.Random(18)
    items = []
    for week in range(WEEKS):
        for store in STORES:
            for i in range(25):
                day = FIRST_WEEK + timedelta(weeks=week, days=i % 7)
                shifted = store == "north" and day >= SHIFT
                nps = _nps(rng, 0.25, 0.45) if shifted else _nps(rng, 0.5, 0.2)
                at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC).isoformat()
                items.append(feedback(received_at=at, nps=nps, attributes={"store": store}, text=None))
    return items


def test_a_step_in_a_series_is_found_where_it_happened_and_noise_is_seldom_split() -> None:
    """The change-point search only proposes; the metric's test decides (a split of noise rarely passes it)."""
    rng = random.Random(3)
    noises = [[rng.gauss(0, 1) for _ in range(60)] for _ in range(100)]
    split = sum(1 for noise in noises if change_points(noise))
    assert split <= 25, split
    stepped = [v + (2 if i >= 35 else 0) for i, v in enumerate(noises[0])]
    found = change_points(stepped)
    assert any(abs(point - 35) <= 2 for point in found), found


@pytest.mark.usefixtures("background_jobs_paused")
def test_a_planted_drop_in_one_segment_is_found_there_from_within_a_month_of_its_start(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    items = planted_answers()
    for start in range(0, len(items), 500):
        reply = post(http, tenant, "/api/v1/feedback/batch", {"items": items[start : start + 500]})
        assert reply.status_code == 201, reply.text
    last_day = FIRST_WEEK + timedelta(weeks=WEEKS) - timedelta(days=1)
    scan = attention.scan(session, tenant.workspace_id, last_day - timedelta(days=29), last_day)
    segments = [(m.field, m.value) for m in scan.movements]
    north = next(m for m in scan.movements if (m.field, m.value) == ("attributes.store", "north"))
    assert north.metric == "nps" and north.fell and north.end is None
    assert abs((north.start - SHIFT).days) <= 31
    assert north.comparison.high is not None and north.comparison.high < -20  # planted: −50 points
    assert ("attributes.store", "south") not in segments
    assert ("attributes.store", "east") not in segments
    assert segments.index(("attributes.store", "north")) <= 1  # only everyone's diluted drop may come first
