from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from voxpop.customer.schemas import CustomerRef
from voxpop.kit.validation import (
    Attributes,
    LifecycleStage,
    LongText,
    Timestamp,
    Title,
    choice,
    label,
    label_or,
    number_in,
    whole_number_in,
)

FEEDBACK_KINDS = {
    **{
        k: k
        for k in ("survey_response", "review", "support_ticket", "chat", "social_post", "call_transcript")
    },
    "other": "other",
    "survey": "survey_response",
    "response": "survey_response",
    "ticket": "support_ticket",
    "social": "social_post",
    "tweet": "social_post",
    "post": "social_post",
    "call": "call_transcript",
    "transcript": "call_transcript",
    "call_notes": "call_transcript",
}
FeedbackKind = Annotated[str, choice(FEEDBACK_KINDS, "feedback kind")]

NpsScore = Annotated[int | None, whole_number_in("NPS", 0, 10)]
CsatScore = Annotated[int | None, whole_number_in("CSAT", 1, 5)]
CesScore = Annotated[int | None, whole_number_in("CES", 1, 7)]
StarRating = Annotated[float | None, number_in("star rating", 1, 5)]


class FeedbackIn(BaseModel):
    """One feedback record as it arrives from any channel; the same rules hold for API, import and demo."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: FeedbackKind = "other"
    channel: label_or("other", 50) = "other"  # type: ignore[valid-type]
    source: label(100) = None  # type: ignore[valid-type]
    external_id: Annotated[str | None, Field(min_length=1, max_length=200)] = None
    received_at: Timestamp = None
    customer: CustomerRef | None = None
    lifecycle_stage: LifecycleStage = None
    touchpoint: label(100) = None  # type: ignore[valid-type]
    title: Title = None
    text: LongText = None
    language: label(16) = None  # type: ignore[valid-type]
    nps: NpsScore = None
    csat: CsatScore = None
    ces: CesScore = None
    rating: StarRating = None
    attributes: Attributes = Field(default_factory=dict)

    @model_validator(mode="after")
    def _says_something(self) -> FeedbackIn:
        if self.text is None and self.title is None and self.has_no_score():
            raise ValueError("a feedback record needs text, a title or at least one score")
        return self

    def has_no_score(self) -> bool:
        return all(score is None for score in (self.nps, self.csat, self.ces, self.rating))


class FeedbackBatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[FeedbackIn]


class FeedbackOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    customer_id: uuid.UUID | None
    kind: str
    channel: str
    source: str
    external_id: str
    received_at: datetime
    lifecycle_stage: str | None
    touchpoint: str | None
    title: str | None
    text: str | None
    language: str | None
    nps: int | None
    csat: int | None
    ces: int | None
    rating: float | None
    attributes: dict[str, Any]
    created_at: datetime
    updated_at: datetime
