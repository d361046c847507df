"""Loading the demo data into a workspace, through the same entry as every other door (`voxpop.flows`), so its
records are redacted, analysed and tested against rules like any others.

This is the demo CLI's boundary, so it commits: after each chunk, which keeps transactions short and lets a
progress bar move. Records carry their source and external id, so loading twice changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlalchemy.orm import Session

from voxpop.customer import service as customer_service
from voxpop.demo.generator import DemoData
from voxpop.feedback import service as feedback_service
from voxpop.journey import service as journey_service

Item = TypeVar("Item")
Progress = Callable[[int, int], None]


def load(
    session: Session,
    workspace_id: uuid.UUID,
    data: DemoData,
    progress: Progress | None = None,
    chunk: int = 2000,
) -> dict[str, int]:
    """Write customers, then events, then feedback; returns how many of each were stored.

    `progress(done, total)` is called after each committed chunk, counting items of all three kinds.
    """
    total = len(data.customers) + len(data.events) + len(data.feedback)
    loader = _Loader(session, workspace_id, total, progress, chunk)
    return {
        "customers": loader.write(data.customers, customer_service.upsert),
        "events": loader.write(
            data.events, lambda s, w, items: journey_service.ingest_many(s, w, items, "demo")
        ),
        "feedback": loader.write(
            data.feedback, lambda s, w, items: feedback_service.ingest_many(s, w, items, "demo")
        ),
    }


class _Loader:
    def __init__(
        self, session: Session, workspace_id: uuid.UUID, total: int, progress: Progress | None, chunk: int
    ) -> None:
        if chunk < 1:
            raise ValueError("chunk must be at least 1")
        self.session, self.workspace_id, self.total = session, workspace_id, total
        self.progress, self.chunk, self.done = progress, chunk, 0

    def write(
        self,
        items: Sequence[Item],
        store: Callable[[Session, uuid.UUID, Sequence[Item]], Sequence[object]],
    ) -> int:
        stored = 0
        for start in range(0, len(items), self.chunk):
            part = items[start : start + self.chunk]
            stored += len(store(self.session, self.workspace_id, part))
            self.session.commit()
            self.done += len(part)
            if self.progress is not None:
                self.progress(self.done, self.total)
        return stored
