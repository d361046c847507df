"""Background jobs of the case domain (registered by `voxpop.registry`)."""

from __future__ import annotations

import uuid
from typing import Any

from voxpop.case import breaches
from voxpop.kit.jobs import JobContext


def sweep_clocks(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Mark the SLA warnings and breaches that are due, then queue the next sweep."""
    breaches.sweep(ctx.session, uuid.UUID(payload["workspace_id"]), running=ctx.job_id)
