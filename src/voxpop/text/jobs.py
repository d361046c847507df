"""Text analytics: background jobs. One job per workspace analyses what is new or stale in batches, keeps
theme assignments current, and runs the first theme discovery; it yields after a time budget and queues
its own continuation, so one large workspace never starves other jobs."""

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
    deadline = time.monotonic() + BUDGET_SECONDS
    while time.monotonic() < deadline:
        done = service.analyse_batch(ctx.session, workspace_id)
        if done:
            service.ANALYSED(ctx.session, workspace_id)
            ctx.session.commit()
        else:
            if service.discover_if_new(ctx.session, workspace_id):
                ctx.session.commit()
                continue
            done = service.reassign_batch(ctx.session, workspace_id)
            ctx.session.commit()
        if not done:
            return
        ctx.heartbeat()
    service.request_analysis(ctx.session, workspace_id)
    ctx.session.commit()


def discover(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Re-run discovery on demand: new clusters become proposals; curated themes stay as they are."""
    workspace_id = uuid.UUID(payload["workspace_id"])
    themes.discover(ctx.session, workspace_id)
    service.request_analysis(ctx.session, workspace_id)
    ctx.session.commit()
