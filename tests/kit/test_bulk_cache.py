"""Bulk writes keep each compiled statement per dialect, table, statement kind and column keys, and a single
record is stored by one upsert that reports whether it was new: the same outcomes as the batch path."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from tests.factories import make_workspace, unique, writing
from voxpop.feedback import service as feedback_service
from voxpop.feedback.models import Feedback
from voxpop.feedback.schemas import FeedbackIn
from voxpop.kit import bulk
from voxpop.kit.ids import new_id

TABLE = Feedback.__table__
RECEIVED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def record(external_id: str, text: str, received_at: datetime | None = RECEIVED) -> FeedbackIn:
    return FeedbackIn(source="cache-test", external_id=external_id, text=text, received_at=received_at)


def stored(session: Session, workspace_id: uuid.UUID) -> list[Feedback]:
    session.rollback()
    query = select(Feedback).where(Feedback.workspace_id == workspace_id).order_by(Feedback.external_id)
    return list(session.scalars(query))


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The column keys of every statement bulk compiles, from an empty cache."""
    seen: list[tuple[str, ...]] = []
    real = bulk._compile

    def counted(*args: Any) -> Any:
        seen.append(args[3])
        return real(*args)

    monkeypatch.setattr(bulk, "_compile", counted)
    monkeypatch.setattr(bulk, "_plans", {})
    return seen


def test_a_statement_is_compiled_once_per_shape_however_often_it_runs(
    session: Session, compiles: list[tuple[str, ...]]
) -> None:
    workspace_id = make_workspace(session)
    with writing(session) as writer:
        for n in range(3):
            feedback_service.ingest_many(writer, workspace_id, [record(f"one-{n}", "single")])
        for n in range(3):
            batch = [record(f"batch-{n}-a", "first"), record(f"batch-{n}-b", "second")]
            feedback_service.ingest_many(writer, workspace_id, batch)
    assert len(stored(session, workspace_id)) == 9
    assert len(compiles) == 2  # the single-record upsert, and the batch's insert (or upsert on PostgreSQL)


def test_rows_with_other_columns_get_their_own_compiled_statement(
    session: Session, compiles: list[tuple[str, ...]]
) -> None:
    workspace_id = make_workspace(session)
    base = {"workspace_id": workspace_id, "kind": "other", "channel": "other", "source": "cache-test"}
    now = datetime.now(UTC)

    def row(external_id: str, **extra: Any) -> dict[str, Any]:
        times = {"received_at": now, "created_at": now, "updated_at": now, "attributes": {}}
        return {"id": new_id(), **base, "external_id": external_id, **times, **extra}

    with writing(session) as writer:
        bulk.execute(writer, TABLE, insert(TABLE), [row("titled", title="A title")])  # type: ignore[arg-type]
        bulk.execute(writer, TABLE, insert(TABLE), [row("plain")])  # type: ignore[arg-type]
        bulk.execute(writer, TABLE, insert(TABLE), [row("again", title="Another")])  # type: ignore[arg-type]
    titles = {r.external_id: r.title for r in stored(session, workspace_id)}
    assert titles == {"titled": "A title", "plain": None, "again": "Another"}
    assert len(compiles) == 2


def test_one_record_sent_again_is_updated_in_place_and_reported_as_not_created(session: Session) -> None:
    workspace_id = make_workspace(session)
    key = unique("answer")
    with writing(session) as writer:
        (first,) = feedback_service.ingest_many(writer, workspace_id, [record(key, "Late.")])
    with writing(session) as writer:
        later = datetime(2026, 3, 2, tzinfo=UTC)
        (second,) = feedback_service.ingest_many(
            writer, workspace_id, [record(key, "Late, and broken.", later)]
        )
    (row,) = stored(session, workspace_id)
    assert (first.created, second.created) == (True, False)
    assert first.id == second.id == row.id
    assert (row.text, row.received_at) == ("Late, and broken.", later)


def test_one_record_without_a_time_keeps_the_stored_time(session: Session) -> None:
    workspace_id = make_workspace(session)
    with writing(session) as writer:
        feedback_service.ingest_many(writer, workspace_id, [record("kept", "first")])
    with writing(session) as writer:
        (again,) = feedback_service.ingest_many(writer, workspace_id, [record("kept", "second", None)])
    (row,) = stored(session, workspace_id)
    assert not again.created
    assert (row.text, row.received_at) == ("second", RECEIVED)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Feedback).where(Feedback.id == again.id)) == 1
