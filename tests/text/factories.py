"""Text test data: verbatims about a few clear topics, and records stored and analysed for real."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from tests.factories import writing

TOPICS: dict[str, list[str]] = {
    "delivery": [
        "The delivery arrived {n} days late",
        "My parcel was delayed again by the courier",
        "Shipping took {n} days longer than promised",
        "The package never arrived and tracking showed nothing",
        "Delivery was slow and the parcel came {n} days after the promised date",
    ],
    "price": [
        "The prices went up by {n} percent this year",
        "It is far too expensive compared to other shops",
        "The subscription costs too much for what you get",
        "I was charged {n} dollars more than the listed price",
        "Your prices are too high for such basic products",
    ],
    "staff": [
        "The staff member at the counter was rude to me",
        "The agent on the phone was very helpful and kind",
        "Your store employees were friendly and patient",
        "The support person hung up on me after {n} minutes",
        "The cashier was polite and explained everything",
    ],
}


def verbatims(per_topic: int) -> list[tuple[str, str]]:
    """(topic, sentence) pairs, `per_topic` of each topic, with small variations."""
    numbers = itertools.cycle(range(2, 40))
    return [
        (topic, templates[i % len(templates)].format(n=next(numbers)))
        for topic, templates in TOPICS.items()
        for i in range(per_topic)
    ]


def store_texts(session: Session, workspace_id: uuid.UUID, texts: Sequence[str]) -> list[uuid.UUID]:
    """Store feedback records with these texts (through the feedback service) and return their ids."""
    return store_records(session, workspace_id, [{"text": text} for text in texts])


def store_records(
    session: Session, workspace_id: uuid.UUID, records: Sequence[dict[str, Any]]
) -> list[uuid.UUID]:
    """Store feedback records, each a few fields (its text, channel, date…) over a valid review, through the
    feedback service; returns their ids."""
    from voxpop.feedback import service
    from voxpop.feedback.schemas import FeedbackIn

    items = [
        FeedbackIn.model_validate(
            {
                "kind": "review",
                "channel": "web",
                "source": "test",
                "external_id": f"t-{i}-{uuid.uuid4().hex[:8]}",
                "received_at": f"2025-0{1 + i % 6}-0{1 + i % 9}T10:00:00Z",
                "customer": {"email": f"c{i}-{uuid.uuid4().hex[:6]}@example.com"},
                "nps": i % 11,
                **fields,
            }
        )
        for i, fields in enumerate(records)
    ]
    with writing(session) as writer:
        return [stored.id for stored in service.ingest_many(writer, workspace_id, items)]


def store_answers(session: Session, workspace_id: uuid.UUID, answers: Sequence[tuple[str, int]]) -> None:
    """Store anonymous email survey answers, each a (text, NPS) pair, on one day (through the feedback service)."""
    from voxpop.feedback import service
    from voxpop.feedback.schemas import FeedbackIn

    items = [
        FeedbackIn.model_validate(
            {
                "kind": "survey_response",
                "channel": "email",
                "source": "t",
                "text": text,
                "nps": nps,
                "external_id": uuid.uuid4().hex,
                "received_at": "2026-01-05T10:00:00Z",
            }
        )
        for text, nps in answers
    ]
    with writing(session) as writer:
        service.ingest_many(writer, workspace_id, items)


def analyse_all(session: Session, workspace_id: uuid.UUID) -> None:
    """Run the analysis job's work until nothing is left (what the background job does)."""
    from voxpop.text import service

    with writing(session) as writer:
        while service.analyse_batch(writer, workspace_id) or service.reassign_batch(writer, workspace_id):
            writer.commit()
