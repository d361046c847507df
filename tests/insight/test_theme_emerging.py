"""Emerging themes: a theme's volume spiking and a new theme appearing become insights; a steady theme does not."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from tests.factories import make_workspace, writing
from tests.text.factories import analyse_all
from voxpop.feedback import service as feedback_service
from voxpop.feedback.schemas import FeedbackIn
from voxpop.insight import theme_emerging
from voxpop.text import themes

# These tests analyse what they store themselves (tests.text.factories.analyse_all); storing also queues
# the analysis job, so the test server's runner is paused meanwhile.
pytestmark = pytest.mark.usefixtures("background_jobs_paused")

MONDAY = date(2026, 3, 2)  # the current week is the one starting here; eight weeks before are the baseline


def store(session: Session, workspace_id: uuid.UUID, day: date, texts: list[str]) -> None:
    items = [
        FeedbackIn.model_validate(
            {
                "kind": "review",
                "channel": "web",
                "source": "t",
                "external_id": uuid.uuid4().hex,
                "text": text,
                "received_at": f"{day.isoformat()}T12:00:00Z",
            }
        )
        for text in texts
    ]
    with writing(session) as writer:
        feedback_service.ingest_many(writer, workspace_id, items)


def test_a_volume_spike_and_a_new_theme_become_insights_and_a_steady_theme_does_not(session: Session) -> None:
    workspace_id = make_workspace(session)
    with writing(session) as writer:
        refunds = themes.add(writer, workspace_id, "Refunds", ["my refund has not arrived"], "")
        staff = themes.add(writer, workspace_id, "Friendly staff", ["the staff were friendly"], "")
        app = themes.add(writer, workspace_id, "App crashes", ["the app keeps crashing"], "")
        names = {t.id: t.name for t in (refunds, staff, app)}
    for week in range(1, 9):
        day = MONDAY - timedelta(weeks=week)
        store(
            session,
            workspace_id,
            day,
            [
                "My refund has still not arrived.",
                "The staff were so friendly.",
                "The staff were friendly and kind.",
            ],
        )
    store(
        session,
        workspace_id,
        MONDAY,
        [
            *["Where is my refund? It has not arrived." for _ in range(25)],
            "The staff were friendly.",
            "Friendly staff as always.",
            *["The app keeps crashing when I pay." for _ in range(6)],
        ],
    )
    analyse_all(session, workspace_id)
    with writing(session) as writer:
        found = theme_emerging.detect_theme_shifts(
            writer, workspace_id, names, as_of=MONDAY + timedelta(days=7)
        )
        kinds = {(i.kind, i.segment["theme_name"]) for i in found}
    assert ("theme_volume_spike", "Refunds") in kinds
    assert ("new_theme", "App crashes") in kinds
    assert not any(name == "Friendly staff" for _, name in kinds)
    with writing(session) as writer:
        again = theme_emerging.detect_theme_shifts(
            writer, workspace_id, names, as_of=MONDAY + timedelta(days=7)
        )
        assert {i.id for i in again} == {i.id for i in found}  # found again: the same insights, updated
