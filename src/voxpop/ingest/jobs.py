"""Background job: run an uploaded import."""

from __future__ import annotations

import uuid
from typing import Any

from voxpop.ingest import repository, service
from voxpop.kit.jobs import JobContext, job

RUN_IMPORT = "ingest.run_import"


@job(RUN_IMPORT)
def run_import(ctx: JobContext, payload: dict[str, Any]) -> None:
    record = repository.get_any(ctx.session, uuid.UUID(payload["import_id"]))
    if record is not None and record.status in ("pending", "running"):
        service.run(ctx.session, record, heartbeat=ctx.heartbeat)
