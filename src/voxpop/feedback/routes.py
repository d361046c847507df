"""Feedback API: single and batched ingestion, reading back."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query

from voxpop.feedback import service
from voxpop.feedback.schemas import FeedbackBatchIn, FeedbackIn, FeedbackOut
from voxpop.kit.batches import check_batch
from voxpop.kit.pagination import Offset
from voxpop.kit.records import BatchResult, UpsertResult
from voxpop.web.deps import Reader, SessionDep, Writer

router = APIRouter(prefix="/api/v1/feedback", tags=["feedback"])


@router.post("", status_code=201)
def create_feedback(body: FeedbackIn, session: SessionDep, caller: Writer) -> UpsertResult:
    """Store one record; the same source and external_id again updates it."""
    (stored,) = service.ingest_many(session, caller.workspace_id, [body])
    session.commit()
    return UpsertResult.from_stored(stored)


@router.post("/batch", status_code=201)
def create_feedback_batch(body: FeedbackBatchIn, session: SessionDep, caller: Writer) -> BatchResult:
    """Store up to `max_batch_items` records at once: all of them, or (on any problem) none."""
    check_batch(len(body.items), service.duplicate_keys(body.items))
    results = service.ingest_many(session, caller.workspace_id, body.items)
    session.commit()
    return BatchResult.of(results)


@router.get("")
def list_feedback(
    session: SessionDep,
    caller: Reader,
    limit: int = Query(50, ge=1, le=500),
    offset: Offset = 0,
    customer_id: uuid.UUID | None = None,
) -> list[FeedbackOut]:
    return service.list_page(session, caller.workspace_id, limit, offset, customer_id)


@router.get("/{feedback_id}")
def get_feedback(feedback_id: uuid.UUID, session: SessionDep, caller: Reader) -> FeedbackOut:
    return service.get(session, caller.workspace_id, feedback_id)
