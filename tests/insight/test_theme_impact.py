"""Theme impact, against a hand computation: the score over all answers minus the score over the answers that
do not mention the theme, with docs/metrics.md's standard errors."""

from __future__ import annotations

import math

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.factories import make_tenant, writing
from tests.text.factories import analyse_all, store_answers
from voxpop.insight import theme_impact
from voxpop.insight.service import SliceQuery
from voxpop.text import themes

# These tests analyse what they store themselves (tests.text.factories.analyse_all); storing also queues
# the analysis job, so the test server's runner is paused meanwhile.
pytestmark = pytest.mark.usefixtures("background_jobs_paused")

REFUND = ("My refund never arrived.", [0, 2, 4, 9])
STAFF = ("The staff were friendly.", [10, 10, 9, 8, 7, 3])


def test_theme_impact_on_nps_matches_a_hand_computation(session: Session, http: httpx.Client) -> None:
    tenant = make_tenant(session)
    with writing(session) as writer:
        refunds = themes.add(writer, tenant.workspace_id, "Refunds", ["my refund has not arrived"], "")
    store_answers(
        session, tenant.workspace_id, [(text, nps) for text, scores in (REFUND, STAFF) for nps in scores]
    )
    analyse_all(session, tenant.workspace_id)
    overall, (impact,) = theme_impact.impacts(session, tenant.workspace_id, SliceQuery("nps"))
    # all 10: 4 promoters, 4 detractors → 0; without the theme (6): 3 promoters, 1 detractor → 33.33
    assert overall.value == pytest.approx(0.0)
    assert impact.theme_id == refunds.id
    assert impact.impact == pytest.approx(0 - 100 * 2 / 6)
    assert impact.mentions.value == pytest.approx(-50.0) and impact.without.value == pytest.approx(
        100 * 2 / 6
    )
    assert impact.reach == pytest.approx(0.4) and impact.gap == pytest.approx(-50 - 100 * 2 / 6)
    se_with = 100 * math.sqrt((0.25 + 0.75 - 0.5**2) / 4)
    se_without = 100 * math.sqrt((0.5 + 1 / 6 - (0.5 - 1 / 6) ** 2) / 6)
    half = 1.959963984540054 * 0.4 * math.hypot(se_with, se_without)
    assert (impact.low, impact.high) == (
        pytest.approx(impact.impact - half),
        pytest.approx(impact.impact + half),
    )
    assert not impact.reliable  # 4 answers mention it, below the minimum n
    body = http.get("/api/v1/themes/impact", params={"metric": "nps"}, headers=tenant.headers()).json()
    assert [(t["name"], round(t["impact"], 2)) for t in body["themes"]] == [("Refunds", -33.33)]
    stranger = make_tenant(session)
    assert http.get("/api/v1/themes/impact", headers=stranger.headers()).json()["themes"] == []
