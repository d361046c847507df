"""Journey events: tied to customers, idempotent like feedback, validated the same way."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import event, make_tenant, post
from voxpop.journey.models import JourneyEvent


def test_events_are_stored_once_and_tied_to_the_customer(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    body = event(external_id="O-1", customer={"email": "kim@example.com"}, attributes={"late": True})
    assert post(http, tenant, "/api/v1/events", body).json()["status"] == "created"
    assert post(http, tenant, "/api/v1/events", body).json()["status"] == "updated"
    batch = post(http, tenant, "/api/v1/events/batch", {"items": [event() for _ in range(20)]})
    assert batch.json()["created"] == 20
    session.rollback()
    assert session.scalar(select(func.count()).where(JourneyEvent.workspace_id == tenant.workspace_id)) == 21
    customer = http.get(
        "/api/v1/customers/lookup", params={"identity": "kim@example.com"}, headers=tenant.headers()
    )
    assert customer.status_code == 200


def test_an_event_needs_a_type_and_a_known_lifecycle_stage(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    body = event(lifecycle_stage="daydreaming")
    del body["type"]
    reply = post(http, tenant, "/api/v1/events", body)
    fields = {p["field"] for p in reply.json()["error"]["problems"]}
    assert fields == {"type", "lifecycle_stage"}
    duplicates = post(
        http, tenant, "/api/v1/events/batch", {"items": [event(external_id="E"), event(external_id="E")]}
    )
    assert duplicates.status_code == 422
