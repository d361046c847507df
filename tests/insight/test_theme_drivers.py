"""Themes as key-driver predictors: a theme is 0/1 (the record mentions it), records without analysed text
are left out, and a theme's performance is the share of its sentences that are positive."""

from __future__ import annotations

import random
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from tests.factories import make_tenant, make_user, sign_in, writing
from tests.text.factories import analyse_all
from voxpop.feedback import service as feedback_service
from voxpop.feedback.schemas import FeedbackIn
from voxpop.text import themes
from voxpop.text.models import TextSentence, Theme

# These tests analyse what they store themselves (tests.text.factories.analyse_all); storing also queues
# the analysis job, so the test server's runner is paused meanwhile.
pytestmark = pytest.mark.usefixtures("background_jobs_paused")

REFUND = "My refund never arrived."
STAFF = "The staff were friendly."
OTHER = "I bought a lamp."


def answers(count: int) -> list[tuple[str | None, int, int]]:
    """(text, NPS, price rating): refund complaints come with low scores, the rest spread over the scale."""
    rng = random.Random(7)
    rows = []
    for i in range(count):
        text = (REFUND, STAFF, OTHER)[i % 3]
        price = rng.randint(1, 5)
        base = rng.randint(0, 4) if text == REFUND else rng.randint(5, 10)
        rows.append((text, max(0, min(10, base + (price - 3) // 2)), price))
    return rows


def store(session: Session, workspace_id: uuid.UUID, rows: list[tuple[str | None, int, int]]) -> None:
    items = [
        FeedbackIn.model_validate(
            {
                "kind": "survey_response",
                "channel": "email",
                "source": "t",
                "external_id": uuid.uuid4().hex,
                "received_at": "2026-01-05T10:00:00Z",
                "text": text,
                "nps": nps,
                "attributes": {"item_price": price},
            }
        )
        for text, nps, price in rows
    ]
    with writing(session) as writer:
        feedback_service.ingest_many(writer, workspace_id, items)


def planted(session: Session) -> tuple[Any, uuid.UUID, uuid.UUID]:
    tenant = make_tenant(session, "analyst")
    with writing(session) as writer:
        refunds = themes.add(writer, tenant.workspace_id, "Refunds", ["my refund has not arrived"], "").id
        staff = themes.add(writer, tenant.workspace_id, "Friendly staff", ["the staff were friendly"], "").id
    store(session, tenant.workspace_id, answers(240))
    analyse_all(session, tenant.workspace_id)
    store(session, tenant.workspace_id, [(None, 10, 5)] * 20)  # no text: no theme can be said to be missing
    return tenant, refunds, staff


def positive_share(session: Session, theme_id: uuid.UUID) -> float:
    """Hand count: the share of the theme's sentences that the model labelled positive."""
    positive = case((TextSentence.sentiment_label == "positive", 1), else_=0)
    total, hits = session.execute(
        select(func.count(), func.coalesce(func.sum(positive), 0))
        .join(Theme, Theme.id == TextSentence.theme_id)
        .where(func.coalesce(Theme.parent_id, Theme.id) == theme_id)
    ).one()
    return 100.0 * int(hits) / int(total)


def test_the_theme_that_drags_nps_down_ranks_first_with_an_interval_above_zero(
    session: Session, http: httpx.Client
) -> None:
    tenant, refunds, staff = planted(session)
    result = http.get(
        "/api/v1/drivers",
        params={"outcome": "nps", "predictors": "attributes.item_price", "themes": "true", "resamples": 60},
        headers=tenant.headers(),
    ).json()
    first, *others = result["drivers"]
    assert (first["name"], first["label"]) == (f"theme.{refunds}", "theme: Refunds")
    assert first["low"] > 0 and first["percent_low"] > max(d["percent_high"] for d in others)
    assert {d["label"] for d in others} == {"theme: Friendly staff", "attributes.item_price"}
    assert result["n"] == 240 and result["n_excluded"] == 20  # the records without text are left out
    assert first["performance"] == pytest.approx(1 / 3)  # a third of the records mention refunds
    assert first["performance_scaled"] == pytest.approx(positive_share(session, refunds))
    by_name = {d["name"]: d for d in result["drivers"]}
    assert by_name[f"theme.{staff}"]["performance_scaled"] == pytest.approx(positive_share(session, staff))


def test_a_theme_predictor_must_be_a_theme_of_the_workspace(session: Session, http: httpx.Client) -> None:
    tenant, refunds, _ = planted(session)
    stranger = make_tenant(session, "analyst")
    for predictor, headers in (
        (f"theme.{refunds}", stranger.headers()),
        ("theme.refunds", tenant.headers()),
    ):
        reply = http.get(
            "/api/v1/drivers", params={"outcome": "nps", "predictors": predictor}, headers=headers
        )
        assert reply.status_code == 422
        assert reply.json()["error"]["problems"] == [
            {
                "field": "predictors",
                "reason": f"{predictor!r} is not theme.<id> of a top-level theme of this workspace",
            }
        ]


def test_the_drivers_page_shows_themes_by_name(session: Session, http: httpx.Client) -> None:
    tenant, _, _ = planted(session)
    sign_in(http, make_user(session, tenant.workspace_id, role="viewer"))
    page = http.get("/drivers", params={"themes": "true", "method": "relative_weights"})
    assert page.status_code == 200
    assert page.text.count("theme: Refunds") >= 2  # in the chart and in the table
    assert 'name="themes" value="true" checked' in page.text
