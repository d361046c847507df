"""Delivery of webhooks and email: background jobs.

Each attempt is one job row whose `run_after` is the attempt's time, so a scheduled retry survives a
crash or restart. The job names the attempt it is for; a rerun of an attempt already recorded does nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from voxpop.delivery import attempts, senders
from voxpop.delivery.models import Delivery
from voxpop.kit.jobs import JobContext, enqueue

ATTEMPT = "delivery.attempt"


def schedule(session: Session, delivery: Delivery, number: int, at: datetime | None = None) -> None:
    """Queue attempt `number` of the delivery, now or at `at`; it runs once the transaction commits."""
    record = enqueue(
        session,
        ATTEMPT,
        {"delivery_id": str(delivery.id), "attempt": number},
        workspace_id=delivery.workspace_id,
    )
    if at is not None:
        record.run_after = at
    delivery.next_attempt_at = record.run_after


def attempt(ctx: JobContext, payload: dict[str, Any]) -> None:
    delivery_id, number = uuid.UUID(payload["delivery_id"]), int(payload["attempt"])
    plan = attempts.plan(ctx.session, delivery_id, number)
    ctx.session.commit()  # hold no lock on the database while waiting for the network
    if plan is None:
        return
    outcome = senders.send(plan)
    retry = attempts.record(ctx.session, delivery_id, number, outcome)
    if retry is not None:
        schedule(ctx.session, retry, number + 1, retry.next_attempt_at)
