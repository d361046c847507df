from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from voxpop.customer.schemas import CustomerRef
from voxpop.kit.validation import Attributes, LifecycleStage, Timestamp, label, required_label


class EventIn(BaseModel):
    """Something that happened on the customer's journey: `order_delivered`, `ticket_closed`, …"""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    type: required_label(100)  # type: ignore[valid-type]
    channel: label(50) = None  # type: ignore[valid-type]
    source: label(100) = None  # type: ignore[valid-type]
    external_id: Annotated[str | None, Field(min_length=1, max_length=200)] = None
    occurred_at: Timestamp = None
    customer: CustomerRef | None = None
    lifecycle_stage: LifecycleStage = None
    touchpoint: label(100) = None  # type: ignore[valid-type]
    attributes: Attributes = Field(default_factory=dict)


class EventBatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[EventIn]


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    customer_id: uuid.UUID | None
    type: str
    channel: str | None
    source: str
    external_id: str
    occurred_at: datetime
    lifecycle_stage: str | None
    touchpoint: str | None
    attributes: dict[str, Any]
