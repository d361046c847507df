"""Text analytics: background jobs. One job per workspace analyses what is new or stale in batches, keeps
theme assignments current, and discovers themes as the analysed sentences grow (from the first few hundred,
refined while the backlog is worked, not only at its end); it yields after a time budget and queues its own
continuation, so one large workspace never starves other jobs."""

from __future__ import annotations

import time
import uuid
from typing import Any

from voxpop.kit.jobs import JobContext
from voxpop.text import service, themes

DISCOVER = "text.discover"
BUDGET_SECONDS = 60.0


def analyse(ctx: JobContext, payload: dict[str, Any]) -> None:
    workspace_id = uuid.UUID(payload["workspace_id"])
    if service.defer_if_analysed_elsewhere(ctx.session, workspace_id, ctx.job_id):
        ctx.session.commit()
        return
    deadline = time.monotonic() + BUDGET_SECONDS
    while True:
        analysed = service.analyse_batch(ctx.session, workspace_id)
        if analysed:
            service.ANALYSED(ctx.session, workspace_id)
        discovered = service.discover_if_due(ctx.session, workspace_id)
        reassigned = service.reassign_batch(ctx.session, workspace_id)
        ctx.session.commit()
        if not (analysed or discovered or reassigned):
            return
        ctx.heartbeat()
        if time.monotonic() >= deadline:
            break
    service.request_analysis(ctx.session, workspace_id)
    ctx.session.commit()


def discover(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Re-run discovery on demand: new clusters become proposals; curated themes stay as they are."""
    workspace_id = uuid.UUID(payload["workspace_id"])
    themes.discover(ctx.session, workspace_id)
    service.request_analysis(ctx.session, workspace_id)
    ctx.session.commit()
