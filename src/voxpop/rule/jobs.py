"""Background jobs of the rule domain. One job per workspace evaluates the records that are ready (text
analysed, or no text) in batches, committing each; it yields after a time budget and queues its own
continuation, so one busy workspace never starves other jobs."""

from __future__ import annotations

import time
import uuid
from typing import Any

from voxpop.kit.jobs import JobContext
from voxpop.rule import service

BUDGET_SECONDS = 60.0


def evaluate(ctx: JobContext, payload: dict[str, Any]) -> None:
    workspace_id = uuid.UUID(payload["workspace_id"])
    deadline = time.monotonic() + BUDGET_SECONDS
    while time.monotonic() < deadline:
        done = service.evaluate_batch(ctx.session, workspace_id)
        ctx.session.commit()
        if not done:
            return
        ctx.heartbeat()
    service.request_evaluation(ctx.session, workspace_id)
    ctx.session.commit()
