"""Initiative test data: a workspace with an analyst's key and a member to own initiatives, themes, and
records planted on given days."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from tests.factories import Tenant, make_key, make_tenant, make_user, writing


@dataclass
class Team:
    """A workspace seen by an analyst (its API key), with the email of a member who can own initiatives."""

    analyst: Tenant
    owner: str

    @property
    def workspace_id(self) -> uuid.UUID:
        return self.analyst.workspace_id

    def key(self, session: Session, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {make_key(session, self.workspace_id, role)}"}


def make_team(session: Session) -> Team:
    analyst = make_tenant(session, "analyst")
    return Team(analyst, make_user(session, analyst.workspace_id, "analyst"))


def make_theme(session: Session, workspace_id: uuid.UUID, name: str, example: str) -> uuid.UUID:
    from voxpop.text import themes

    with writing(session) as writer:
        return themes.add(writer, workspace_id, name, [example], "").id


def initiative(owner: str, **overrides: Any) -> dict[str, Any]:
    """A valid initiative as the API takes it."""
    body: dict[str, Any] = {
        "name": "Faster refunds",
        "description": "Refunds paid within two days",
        "owner": owner,
        "status": "in_progress",
        "starts_on": "2026-03-01",
        "targets": {"touchpoints": ["Refunds"], "lifecycle_stages": ["support"]},
    }
    body.update(overrides)
    return body


def plant(
    session: Session,
    workspace_id: uuid.UUID,
    day: date,
    answers: Sequence[tuple[str | None, int]],
    **fields: Any,
) -> None:
    """Records received on `day`, one per (text, NPS) pair, with any other fields given (touchpoint, say)."""
    from voxpop.feedback import service
    from voxpop.feedback.schemas import FeedbackIn

    items = [
        FeedbackIn.model_validate(
            {
                "kind": "survey_response",
                "channel": "email",
                "source": "test",
                "external_id": uuid.uuid4().hex,
                "received_at": f"{day.isoformat()}T12:00:00Z",
                "text": text,
                "nps": nps,
                **fields,
            }
        )
        for text, nps in answers
    ]
    with writing(session) as writer:
        service.ingest_many(writer, workspace_id, items)
