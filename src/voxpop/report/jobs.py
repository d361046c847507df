"""Reports: background jobs."""

from __future__ import annotations

import uuid
from typing import Any

from voxpop.kit.jobs import JobContext
from voxpop.report import service


def weekly(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Send the last complete week's report (once), then queue next Monday's run."""
    workspace_id = uuid.UUID(payload["workspace_id"])
    service.send_weekly(ctx.session, workspace_id)
    service.ensure_scheduled(ctx.session, workspace_id, running=ctx.job_id)
