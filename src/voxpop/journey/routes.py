"""Journey events API: single and batched."""

from __future__ import annotations

from fastapi import APIRouter

from voxpop.journey import service
from voxpop.journey.schemas import EventBatchIn, EventIn
from voxpop.kit.batches import check_batch
from voxpop.kit.records import BatchResult, UpsertResult
from voxpop.web.deps import SessionDep, Writer

router = APIRouter(prefix="/api/v1/events", tags=["events"])


@router.post("", status_code=201)
def create_event(body: EventIn, session: SessionDep, caller: Writer) -> UpsertResult:
    (stored,) = service.ingest_many(session, caller.workspace_id, [body])
    session.commit()
    return UpsertResult.from_stored(stored)


@router.post("/batch", status_code=201)
def create_event_batch(body: EventBatchIn, session: SessionDep, caller: Writer) -> BatchResult:
    check_batch(len(body.items), service.duplicate_keys(body.items))
    results = service.ingest_many(session, caller.workspace_id, body.items)
    session.commit()
    return BatchResult.of(results)
