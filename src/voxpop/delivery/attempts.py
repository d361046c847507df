"""One attempt at a delivery: what to send (read before any network traffic), then what came of it.

Waits between attempts grow exponentially with "full jitter" (a random wait between 0 and base × 2ⁿ, at
most the configured maximum), so receivers coming back from an outage are not hit by every sender at once.
After the give-up time a delivery is `failed`: it sits in the dead-letter list until someone replays it.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from voxpop.delivery import repository
from voxpop.delivery.models import Channel, Delivery, DeliveryAttempt, DeliveryStatus
from voxpop.delivery.senders import Outcome, Plan
from voxpop.kit import clock
from voxpop.kit.settings import get_settings

_jitter = random.Random()


def plan(session: Session, delivery_id: uuid.UUID, number: int) -> Plan | None:
    """What attempt `number` sends, or None when it is not due (already made, delivered or given up)."""
    delivery = repository.delivery_for_update(session, delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.QUEUED or delivery.attempts != number - 1:
        return None
    if delivery.channel == Channel.EMAIL:
        return Plan(delivery.id, delivery.channel, dict(delivery.message))
    endpoint = repository.endpoint_by_id(session, delivery.endpoint_id) if delivery.endpoint_id else None
    if endpoint is None or endpoint.disabled_at is not None:
        _finish(delivery, DeliveryStatus.FAILED, "the endpoint is disabled")
        return None
    return Plan(delivery.id, delivery.channel, dict(delivery.message), endpoint.url, endpoint.secret)


def record(session: Session, delivery_id: uuid.UUID, number: int, outcome: Outcome) -> Delivery | None:
    """Log the attempt and move the delivery on; returns the delivery if it is to be tried again (at its
    `next_attempt_at`)."""
    delivery = repository.delivery_for_update(session, delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.QUEUED or delivery.attempts != number - 1:
        return None
    now = clock.now()
    repository.add(
        session,
        DeliveryAttempt(
            delivery_id=delivery.id,
            attempted_at=now,
            status_code=outcome.status_code,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
        ),
    )
    delivery.attempts = number
    if outcome.delivered:
        _finish(delivery, DeliveryStatus.SENT, None)
        return None
    if outcome.permanent:
        _finish(delivery, DeliveryStatus.BOUNCED, outcome.error)
        return None
    return _retry_or_give_up(session, delivery, now, outcome.error)


def _retry_or_give_up(
    session: Session, delivery: Delivery, now: datetime, error: str | None
) -> Delivery | None:
    settings = get_settings()
    deadline = delivery.queued_at + timedelta(seconds=settings.delivery_give_up_seconds)
    if now >= deadline:
        _finish(delivery, DeliveryStatus.FAILED, error)
        return None
    tries = repository.attempts_since(session, delivery.id, delivery.queued_at)
    ceiling = min(
        settings.delivery_retry_max_seconds, settings.delivery_retry_base_seconds * 2 ** (tries - 1)
    )
    delivery.next_attempt_at = min(now + timedelta(seconds=_jitter.uniform(0, ceiling)), deadline)
    delivery.last_error = error
    return delivery


def _finish(delivery: Delivery, status: str, error: str | None) -> None:
    delivery.status, delivery.last_error = status, error
    delivery.finished_at, delivery.next_attempt_at = clock.now(), None
