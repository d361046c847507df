"""Delivery of webhooks and email: the domain's operations. Other domains call `queue_webhook`,
`queue_email`, `email_status` and `erase_about`; nothing here commits (the caller does, and the first
attempt is made once that commit happens)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import event
from sqlalchemy.orm import Session

from voxpop.delivery import addresses, formats, repository, signing
from voxpop.delivery.jobs import schedule
from voxpop.delivery.models import Channel, Delivery, DeliveryAttempt, DeliveryStatus, WebhookEndpoint
from voxpop.delivery.schemas import EVENT_TYPE, EndpointIn
from voxpop.kit import clock
from voxpop.kit.errors import Conflict, Invalid, NotFound, Problem
from voxpop.kit.ids import new_id

EMAIL_EVENT = "email"
MAX_EVENT_TYPE = 100
HEADER_NAME = re.compile(r"^[!-9;-~]{1,76}$")
RESERVED_HEADERS = frozenset({"from", "to", "subject", "message-id", "content-type", "mime-version"})
ERASE_CHUNK = 100
"""Ids looked for per statement (SQLite parses a long OR as a tree at most 1,000 deep)."""


def queue_webhook(
    session: Session, workspace_id: uuid.UUID, event_type: str, payload: dict[str, Any]
) -> list[uuid.UUID]:
    """One delivery per active endpoint of the workspace subscribed to `event_type`; their ids."""
    if len(event_type) > MAX_EVENT_TYPE or not re.match(EVENT_TYPE, event_type):
        reason = f"use at most {MAX_EVENT_TYPE} lower-case letters, digits and _, in dot-separated parts"
        raise Invalid("invalid event type", [Problem(reason, "event_type")])
    now = clock.now()
    queued = [
        Delivery(
            id=new_id(),
            workspace_id=workspace_id,
            channel=Channel.WEBHOOK,
            endpoint_id=endpoint.id,
            event_type=event_type,
            message={"body": formats.render(endpoint.format, event_type, payload, now)},
        )
        for endpoint in _active_endpoints(session, workspace_id)
        if subscribed(endpoint.event_types, event_type)
    ]
    session.add_all(queued)  # written with their jobs at the next flush: one batch for many webhooks
    for delivery in queued:
        schedule(session, delivery, 1)
    return [delivery.id for delivery in queued]


_ENDPOINTS = "voxpop_active_webhook_endpoints"


def _active_endpoints(session: Session, workspace_id: uuid.UUID) -> list[WebhookEndpoint]:
    """The workspace's active endpoints, read once per transaction: a rule evaluation queues a webhook for
    each of hundreds of matches. Changing an endpoint forgets what was read (`_forget_endpoints`)."""
    read: dict[uuid.UUID, list[WebhookEndpoint]] = session.info.setdefault(_ENDPOINTS, {})
    if workspace_id not in read:
        read[workspace_id] = repository.endpoints(session, workspace_id, active_only=True)
    return read[workspace_id]


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_endpoints(session: Session, *_: object) -> None:
    session.info.pop(_ENDPOINTS, None)


def subscribed(event_types: Sequence[str], event_type: str) -> bool:
    """No filter means every event; `case.*` means every event type starting with `case.`."""
    return not event_types or any(
        pattern == event_type or (pattern.endswith(".*") and event_type.startswith(pattern[:-1]))
        for pattern in event_types
    )


def queue_email(
    session: Session,
    workspace_id: uuid.UUID,
    *,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> uuid.UUID:
    """Queue one email; it is sent (and retried) in the background once the caller commits."""
    message = {
        "to": _address(to),
        "subject": _header_value("subject", subject, required=True),
        "text": text,
        "html": html,
        "headers": _extra_headers(headers or {}),
    }
    delivery = Delivery(
        workspace_id=workspace_id, channel=Channel.EMAIL, event_type=EMAIL_EVENT, message=message
    )
    repository.add(session, delivery)
    schedule(session, delivery, 1)
    return delivery.id


def email_status(session: Session, workspace_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """queued, sent, bounced (refused for good: SMTP 5xx) or failed (given up); unknown ids are left out."""
    return repository.statuses(session, workspace_id, ids) if ids else {}


def emails_to(session: Session, workspace_id: uuid.UUID, addresses: Sequence[str]) -> list[dict[str, Any]]:
    """What the workspace emailed (or has queued to email) to these addresses: for a person's data export."""
    lowered = sorted({address.strip().lower() for address in addresses})
    return [
        {
            "id": str(d.id),
            "to": d.message.get("to"),
            "subject": d.message.get("subject"),
            "text": d.message.get("text"),
            "status": d.status,
            "queued_at": d.queued_at.isoformat(),
            "finished_at": d.finished_at.isoformat() if d.finished_at else None,
        }
        for d in (repository.emails_to(session, workspace_id, lowered) if lowered else [])
    ]


def erase_about(
    session: Session, workspace_id: uuid.UUID, addresses: Sequence[str], ids: Sequence[uuid.UUID]
) -> int:
    """Deletes, queued or sent, every delivery about a person being erased: emails to their addresses, and
    webhooks and emails whose message names one of `ids` (the customer's, their records'). A queued one is
    never sent: its attempt job finds no delivery. Returns how many went."""
    lowered = sorted({address.strip().lower() for address in addresses})
    deleted = repository.delete_emails_to(session, workspace_id, lowered) if lowered else 0
    texts = [str(i) for i in ids]
    for start in range(0, len(texts), ERASE_CHUNK):
        deleted += repository.delete_mentioning(session, workspace_id, texts[start : start + ERASE_CHUNK])
    return deleted


def _address(to: str) -> str:
    try:
        return validate_email(to, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise Invalid(
            "invalid recipient", [Problem(f"is not a valid email address: {error}", "to")]
        ) from None


def _header_value(field: str, value: str, required: bool = False) -> str:
    if "\r" in value or "\n" in value:
        raise Invalid(f"invalid {field}", [Problem("must be one line (no line breaks)", field)])
    if required and not value.strip():
        raise Invalid(f"invalid {field}", [Problem("must not be empty", field)])
    return value


def _extra_headers(headers: dict[str, str]) -> dict[str, str]:
    for name, value in headers.items():
        field = f"headers.{name}"
        if not HEADER_NAME.match(name):
            raise Invalid("invalid header", [Problem("is not a valid header name", field)])
        if name.lower() in RESERVED_HEADERS:
            raise Invalid("invalid header", [Problem("is set by voxpop and cannot be given", field)])
        _header_value(field, value)
    return headers


def create_endpoint(session: Session, workspace_id: uuid.UUID, data: EndpointIn) -> WebhookEndpoint:
    refused = addresses.refusal(data.url.host or "", data.url.port or 80)
    if refused:
        raise Invalid("the webhook address is refused", [Problem(refused, "url")])
    endpoint = WebhookEndpoint(
        workspace_id=workspace_id,
        url=str(data.url),
        description=data.description,
        format=data.format,
        event_types=list(data.event_types),
        secret=signing.new_secret(),
    )
    repository.add(session, endpoint)
    _forget_endpoints(session)
    return endpoint


def get_endpoint(session: Session, workspace_id: uuid.UUID, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    endpoint = repository.endpoint(session, workspace_id, endpoint_id)
    if endpoint is None:
        raise NotFound(f"webhook endpoint {endpoint_id}")
    return endpoint


def endpoints(session: Session, workspace_id: uuid.UUID) -> list[WebhookEndpoint]:
    return repository.endpoints(session, workspace_id)


def set_endpoint_enabled(
    session: Session, workspace_id: uuid.UUID, endpoint_id: uuid.UUID, enabled: bool
) -> WebhookEndpoint:
    """Disabled endpoints get no new deliveries; those still queued for them fail into the dead letters."""
    endpoint = get_endpoint(session, workspace_id, endpoint_id)
    if enabled:
        endpoint.disabled_at = None
    else:
        endpoint.disabled_at = endpoint.disabled_at or clock.now()
    _forget_endpoints(session)
    return endpoint


def get_delivery(session: Session, workspace_id: uuid.UUID, delivery_id: uuid.UUID) -> Delivery:
    delivery = repository.delivery(session, workspace_id, delivery_id)
    if delivery is None:
        raise NotFound(f"delivery {delivery_id}")
    return delivery


def deliveries(
    session: Session,
    workspace_id: uuid.UUID,
    *,
    endpoint_id: uuid.UUID | None = None,
    status: str | None = None,
    channel: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Delivery]:
    if endpoint_id is not None:
        get_endpoint(session, workspace_id, endpoint_id)
    return repository.deliveries(
        session,
        workspace_id,
        endpoint_id=endpoint_id,
        status=status,
        channel=channel,
        limit=limit,
        offset=offset,
    )


def attempts_by_delivery(
    session: Session, deliveries: Sequence[Delivery]
) -> dict[uuid.UUID, list[DeliveryAttempt]]:
    grouped: dict[uuid.UUID, list[DeliveryAttempt]] = {d.id: [] for d in deliveries}
    for attempt in repository.attempts_of(session, list(grouped)) if grouped else []:
        grouped[attempt.delivery_id].append(attempt)
    return grouped


def replay(session: Session, workspace_id: uuid.UUID, delivery_id: uuid.UUID) -> Delivery:
    """Send a given-up delivery again, with the same id and body, and a fresh retry window."""
    delivery = get_delivery(session, workspace_id, delivery_id)
    if delivery.status != DeliveryStatus.FAILED:
        raise Conflict(f"delivery {delivery_id} is {delivery.status}; only failed deliveries can be replayed")
    if delivery.endpoint_id is not None:
        endpoint = get_endpoint(session, workspace_id, delivery.endpoint_id)
        if endpoint.disabled_at is not None:
            raise Conflict(f"webhook endpoint {endpoint.id} is disabled; enable it before replaying")
    _requeue(session, delivery)
    return delivery


def replay_dead_letters(
    session: Session,
    workspace_id: uuid.UUID,
    *,
    endpoint_id: uuid.UUID | None = None,
    channel: str | None = None,
    limit: int = 1000,
) -> list[Delivery]:
    """Replay up to `limit` failed deliveries (oldest first), leaving those of disabled endpoints."""
    if endpoint_id is not None:
        get_endpoint(session, workspace_id, endpoint_id)
    disabled = {e.id for e in repository.endpoints(session, workspace_id) if e.disabled_at is not None}
    failed = repository.dead_letters(session, workspace_id, endpoint_id, channel, limit)
    replayed = [d for d in failed if d.endpoint_id not in disabled]
    for delivery in replayed:
        _requeue(session, delivery)
    return replayed


def _requeue(session: Session, delivery: Delivery) -> None:
    delivery.status, delivery.queued_at, delivery.finished_at = DeliveryStatus.QUEUED, clock.now(), None
    schedule(session, delivery, delivery.attempts + 1)
