"""What changed, with likely causes: a significant drop comes with the themes that moved with it."""

from __future__ import annotations

import uuid
from datetime import date

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.factories import make_tenant, writing
from tests.text.factories import analyse_all
from voxpop.feedback import service as feedback_service
from voxpop.feedback.schemas import FeedbackIn
from voxpop.text import themes

# These tests analyse what they store themselves (tests.text.factories.analyse_all); storing also queues
# the analysis job, so the test server's runner is paused meanwhile.
pytestmark = pytest.mark.usefixtures("background_jobs_paused")


def answers(month: str, text: str, scores: list[int]) -> list[FeedbackIn]:
    return [
        FeedbackIn.model_validate(
            {
                "kind": "survey_response",
                "channel": "web",
                "source": "t",
                "text": text,
                "nps": nps,
                "external_id": uuid.uuid4().hex,
                "received_at": f"{month}-1{i % 9}T10:00:00Z",
            }
        )
        for i, nps in enumerate(scores)
    ]


def test_a_significant_drop_names_the_theme_that_rose_with_it(session: Session, http: httpx.Client) -> None:
    tenant = make_tenant(session)
    with writing(session) as writer:
        themes.add(writer, tenant.workspace_id, "Refunds", ["my refund has not arrived"], "")
        themes.add(writer, tenant.workspace_id, "Friendly staff", ["the staff were friendly"], "")
        items = answers("2026-01", "The staff were friendly.", [10, 9] * 20) + answers(
            "2026-02", "My refund never arrived.", [1, 3] * 20
        )
        feedback_service.ingest_many(writer, tenant.workspace_id, items)
    analyse_all(session, tenant.workspace_id)
    params = {"metric": "nps", "fields": "channel", "period": "month", "as_of": date(2026, 3, 5).isoformat()}
    body = http.get("/api/v1/changes/movements", params=params, headers=tenant.headers()).json()
    (web,) = body["movements"]
    assert web["significant"] and web["difference"] < 0
    causes = {(c["theme"], c["measure"]) for c in web["likely_causes"]}
    assert ("Refunds", "mentions") in causes
    assert all(c["difference"] > 0 for c in web["likely_causes"] if c["theme"] == "Refunds")
