"""Background jobs of the case domain. Importing this module also registers the `open_case` rule action,
so every process that loads the job modules can run it."""

from __future__ import annotations

import uuid
from typing import Any

from voxpop.case import breaches, rule_action, sla
from voxpop.kit.jobs import JobContext, job

__all__ = ["rule_action", "sweep_clocks"]


@job(sla.SWEEP_JOB)
def sweep_clocks(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Mark the SLA warnings and breaches that are due, then queue the next sweep."""
    breaches.sweep(ctx.session, uuid.UUID(payload["workspace_id"]), running=ctx.job_id)
