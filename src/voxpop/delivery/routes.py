"""Delivery of webhooks and email: the API. Managing endpoints, reading delivery logs and replaying dead
letters are admin work (they expose where data goes)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from voxpop.audit import service as audit
from voxpop.auth.service import Principal
from voxpop.delivery import service
from voxpop.delivery.models import Delivery
from voxpop.delivery.schemas import (
    AttemptOut,
    DeliveryLogOut,
    DeliveryOut,
    EndpointIn,
    EndpointOut,
    NewEndpointOut,
    ReplayOut,
)
from voxpop.kit.pagination import Limit, Offset
from voxpop.web.deps import Admin, SessionDep

router = APIRouter(prefix="/api/v1", tags=["delivery"])
StatusQuery = Annotated[Literal["queued", "sent", "bounced", "failed"] | None, Query()]
ChannelQuery = Annotated[Literal["webhook", "email"] | None, Query()]


def delivery_log(session: Session, deliveries: Sequence[Delivery]) -> list[DeliveryLogOut]:
    attempts = service.attempts_by_delivery(session, deliveries)
    return [
        DeliveryLogOut(
            **DeliveryOut.model_validate(d).model_dump(),
            attempt_log=[AttemptOut.model_validate(a) for a in attempts[d.id]],
        )
        for d in deliveries
    ]


@router.post("/webhooks", status_code=201)
def create_endpoint(body: EndpointIn, session: SessionDep, caller: Admin) -> NewEndpointOut:
    """Add an endpoint. Its `whsec_…` secret is in this answer only: keep it to verify signatures."""
    endpoint = service.create_endpoint(session, caller.workspace_id, body)
    audit.record(
        session,
        caller.workspace_id,
        caller,
        "webhook.create",
        "webhook_endpoint",
        endpoint.id,
        {"url": endpoint.url},
    )
    session.commit()
    return NewEndpointOut(**EndpointOut.model_validate(endpoint).model_dump(), secret=endpoint.secret)


@router.get("/webhooks")
def list_endpoints(session: SessionDep, caller: Admin) -> list[EndpointOut]:
    return [EndpointOut.model_validate(e) for e in service.endpoints(session, caller.workspace_id)]


@router.get("/webhooks/{endpoint_id}")
def get_endpoint(endpoint_id: uuid.UUID, session: SessionDep, caller: Admin) -> EndpointOut:
    return EndpointOut.model_validate(service.get_endpoint(session, caller.workspace_id, endpoint_id))


def _switch(session: Session, caller: Principal, endpoint_id: uuid.UUID, enabled: bool) -> EndpointOut:
    endpoint = service.set_endpoint_enabled(session, caller.workspace_id, endpoint_id, enabled)
    action = "webhook.enable" if enabled else "webhook.disable"
    audit.record(
        session, caller.workspace_id, caller, action, "webhook_endpoint", endpoint.id, {"url": endpoint.url}
    )
    session.commit()
    return EndpointOut.model_validate(endpoint)


@router.post("/webhooks/{endpoint_id}/disable")
def disable_endpoint(endpoint_id: uuid.UUID, session: SessionDep, caller: Admin) -> EndpointOut:
    """Stop sending to the endpoint; deliveries still queued for it go to the dead-letter list."""
    return _switch(session, caller, endpoint_id, enabled=False)


@router.post("/webhooks/{endpoint_id}/enable")
def enable_endpoint(endpoint_id: uuid.UUID, session: SessionDep, caller: Admin) -> EndpointOut:
    return _switch(session, caller, endpoint_id, enabled=True)


@router.get("/webhooks/{endpoint_id}/deliveries")
def endpoint_deliveries(
    endpoint_id: uuid.UUID,
    session: SessionDep,
    caller: Admin,
    status: StatusQuery = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[DeliveryLogOut]:
    """The endpoint's delivery log, newest first: every attempt with its time, answer or error, duration."""
    found = service.deliveries(
        session, caller.workspace_id, endpoint_id=endpoint_id, status=status, limit=limit, offset=offset
    )
    return delivery_log(session, found)


@router.get("/deliveries")
def list_deliveries(
    session: SessionDep,
    caller: Admin,
    status: StatusQuery = None,
    channel: ChannelQuery = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[DeliveryLogOut]:
    """Webhooks and emails, newest first. `status=failed` is the dead-letter list."""
    found = service.deliveries(
        session, caller.workspace_id, status=status, channel=channel, limit=limit, offset=offset
    )
    return delivery_log(session, found)


@router.get("/deliveries/{delivery_id}")
def get_delivery(delivery_id: uuid.UUID, session: SessionDep, caller: Admin) -> DeliveryLogOut:
    return delivery_log(session, [service.get_delivery(session, caller.workspace_id, delivery_id)])[0]


@router.post("/deliveries/replay", status_code=202)
def replay_dead_letters(
    session: SessionDep,
    caller: Admin,
    endpoint_id: Annotated[uuid.UUID | None, Query()] = None,
    channel: ChannelQuery = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 1000,
) -> ReplayOut:
    """Replay the dead-letter list (oldest first, at most `limit`), optionally one endpoint's or channel's.
    Deliveries of disabled endpoints stay where they are."""
    replayed = service.replay_dead_letters(
        session, caller.workspace_id, endpoint_id=endpoint_id, channel=channel, limit=limit
    )
    details = {"count": len(replayed), "endpoint_id": endpoint_id and str(endpoint_id), "channel": channel}
    audit.record(session, caller.workspace_id, caller, "delivery.replay_all", "delivery", None, details)
    session.commit()
    return ReplayOut(replayed=[d.id for d in replayed])


@router.post("/deliveries/{delivery_id}/replay", status_code=202)
def replay_delivery(delivery_id: uuid.UUID, session: SessionDep, caller: Admin) -> DeliveryOut:
    """Send a failed (dead-letter) delivery again: same id and body, a fresh retry window."""
    delivery = service.replay(session, caller.workspace_id, delivery_id)
    audit.record(session, caller.workspace_id, caller, "delivery.replay", "delivery", delivery.id)
    session.commit()
    return DeliveryOut.model_validate(delivery)
