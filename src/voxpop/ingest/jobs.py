"""Background job: run an uploaded import."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from sqlalchemy.exc import OperationalError

from voxpop.ingest import repository, service
from voxpop.kit.jobs import JobContext

log = logging.getLogger(__name__)


def run_import(ctx: JobContext, payload: dict[str, Any]) -> None:
    import_id = uuid.UUID(payload["import_id"])
    record = repository.get_any(ctx.session, import_id)
    ctx.session.commit()  # reading the file comes next: hold no lock on the database meanwhile
    if record is None or record.status not in ("pending", "running"):
        return
    try:
        service.run(ctx.session, record, heartbeat=ctx.heartbeat)
    except OperationalError:
        ctx.session.rollback()
        raise  # the database was unavailable: the job is retried later and resumes after the checkpoint
    except Exception as error:
        log.exception("import %s stopped", import_id)
        ctx.session.rollback()
        service.fail_unexpectedly(ctx.session, import_id, error)
