"""What crosses the delivery API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, UrlConstraints

EVENT_TYPE = r"^[a-z0-9_]+(\.[a-z0-9_]+)*$"
EventType = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?$")]
WebhookUrl = Annotated[AnyHttpUrl, UrlConstraints(max_length=2000)]


class EndpointIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: WebhookUrl = Field(description="http:// or https:// address that receives POST requests")
    description: str = Field("", max_length=200)
    format: Literal["standard", "slack", "teams"] = Field(
        "standard", description="standard (signed JSON event), or a Slack or Teams incoming-webhook message"
    )
    event_types: list[EventType] = Field(
        default_factory=list,
        max_length=100,
        description="event types to receive, e.g. case.opened or case.*; empty for every event",
    )


class EndpointOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    url: str
    description: str
    format: str
    event_types: list[str]
    disabled_at: datetime | None
    created_at: datetime


class NewEndpointOut(EndpointOut):
    secret: str = Field(description="whsec_… signing secret; shown only now, keep it safe")


class AttemptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    attempted_at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class DeliveryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    channel: str
    endpoint_id: uuid.UUID | None
    event_type: str
    status: str
    attempts: int
    created_at: datetime
    queued_at: datetime
    next_attempt_at: datetime | None
    finished_at: datetime | None
    last_error: str | None


class DeliveryLogOut(DeliveryOut):
    attempt_log: list[AttemptOut]


class ReplayOut(BaseModel):
    replayed: list[uuid.UUID]
