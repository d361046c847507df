"""Background job: run an uploaded import."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from voxpop.ingest import repository, service
from voxpop.kit.jobs import JobContext, job

RUN_IMPORT = "ingest.run_import"
log = logging.getLogger(__name__)


@job(RUN_IMPORT)
def run_import(ctx: JobContext, payload: dict[str, Any]) -> None:
    import_id = uuid.UUID(payload["import_id"])
    record = repository.get_any(ctx.session, import_id)
    if record is None or record.status not in ("pending", "running"):
        return
    try:
        service.run(ctx.session, record, heartbeat=ctx.heartbeat)
    except Exception as error:
        log.exception("import %s stopped", import_id)
        ctx.session.rollback()
        service.fail_unexpectedly(ctx.session, import_id, error)
