"""What crosses the rule API: a rule's definition (conditions and actions), and what it matched."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from voxpop.kit.validation import LIFECYCLE_STAGES, choice
from voxpop.text.sentiment import LABELS
from voxpop.text.signals import KINDS

MAX_VALUES = 100


def _name(value: str) -> str:
    """A channel, source, touchpoint or attribute value as records store them: trimmed, lower-case."""
    cleaned = " ".join(value.split()).lower()
    if not cleaned:
        raise ValueError("must not be empty")
    return cleaned


Name = Annotated[str, Field(max_length=100), AfterValidator(_name)]
Names = Annotated[list[Name], Field(max_length=MAX_VALUES)]
Stage = Annotated[str, choice(LIFECYCLE_STAGES, "lifecycle stage")]


def _signal(value: str) -> str:
    kind = value.split(".", 1)[0]
    if kind not in KINDS:
        raise ValueError(
            f"{value!r} is not a signal; use one of {', '.join(KINDS)}, or kind.detail (urgency.legal)"
        )
    return value


Signal = Annotated[str, Field(max_length=80), AfterValidator(_signal)]


class Range(BaseModel):
    """`min` and `max` are both included; either may be left out."""

    model_config = ConfigDict(extra="forbid")

    min: float | None = None
    max: float | None = None

    @field_validator("max")
    @classmethod
    def _ordered(cls, value: float | None, info: ValidationInfo) -> float | None:
        low = info.data.get("min")
        if value is not None and low is not None and value < low:
            raise ValueError(f"must not be below min ({low:g})")
        return value


class NpsRange(Range):
    min: Annotated[int | None, Field(ge=0, le=10)] = None
    max: Annotated[int | None, Field(ge=0, le=10)] = None


class CsatRange(Range):
    min: Annotated[int | None, Field(ge=1, le=5)] = None
    max: Annotated[int | None, Field(ge=1, le=5)] = None


class CesRange(Range):
    min: Annotated[int | None, Field(ge=1, le=7)] = None
    max: Annotated[int | None, Field(ge=1, le=7)] = None


class RatingRange(Range):
    min: Annotated[float | None, Field(ge=1, le=5)] = None
    max: Annotated[float | None, Field(ge=1, le=5)] = None


class SentimentCondition(Range):
    """The record's sentiment label (any of `labels`) and/or its score, from −1 to 1."""

    labels: list[Literal["negative", "neutral", "positive"]] = Field(
        default_factory=list, max_length=len(LABELS)
    )
    min: Annotated[float | None, Field(ge=-1, le=1)] = None
    max: Annotated[float | None, Field(ge=-1, le=1)] = None


AttributeValue = str | int | float | bool


class ValueTest(BaseModel):
    """One attribute (of the record or of its customer): equal to a value, one of several, or in a range."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    key: Annotated[str, Field(min_length=1, max_length=100)]
    equals: AttributeValue | None = None
    in_: list[AttributeValue] | None = Field(None, alias="in", min_length=1, max_length=MAX_VALUES)
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _one_test(self) -> ValueTest:
        ranged = self.min is not None or self.max is not None
        if (self.equals is not None) + (self.in_ is not None) + ranged != 1:
            raise ValueError("give exactly one test: equals, in, or min and/or max")
        if self.min is not None and self.max is not None and self.max < self.min:
            raise ValueError(f"max ({self.max:g}) must not be below min ({self.min:g})")
        return self


Word = Annotated[str, Field(min_length=1, max_length=100)]


class Keywords(BaseModel):
    """Words or phrases in the record's title or text, case-insensitive, as whole words."""

    model_config = ConfigDict(extra="forbid")

    any: list[Word] = Field(default_factory=list, max_length=MAX_VALUES)
    all: list[Word] = Field(default_factory=list, max_length=MAX_VALUES)


class FeedbackConditions(BaseModel):
    """Every condition given must hold; a list holds when any of its values does."""

    model_config = ConfigDict(extra="forbid")

    nps: NpsRange | None = None
    csat: CsatRange | None = None
    ces: CesRange | None = None
    rating: RatingRange | None = None
    sentiment: SentimentCondition | None = None
    themes: list[uuid.UUID] = Field(default_factory=list, max_length=MAX_VALUES)
    signals: list[Signal] = Field(default_factory=list, max_length=MAX_VALUES)
    channels: Names = Field(default_factory=list)
    sources: Names = Field(default_factory=list)
    surveys: Names = Field(default_factory=list)
    lifecycle_stages: list[Stage] = Field(default_factory=list, max_length=MAX_VALUES)
    touchpoints: Names = Field(default_factory=list)
    customer: list[ValueTest] = Field(default_factory=list, max_length=MAX_VALUES)
    attributes: list[ValueTest] = Field(default_factory=list, max_length=MAX_VALUES)
    keywords: Keywords | None = None


class InsightConditions(BaseModel):
    """An insight's kind (metric_shift, theme_volume_spike, …), metric, and where (its segment)."""

    model_config = ConfigDict(extra="forbid")

    kinds: list[Annotated[str, Field(min_length=1, max_length=50)]] = Field(
        default_factory=list, max_length=20
    )
    metrics: list[Annotated[str, Field(min_length=1, max_length=20)]] = Field(
        default_factory=list, max_length=20
    )
    where: dict[Annotated[str, Field(min_length=1, max_length=100)], list[str]] = Field(default_factory=dict)


class ActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Annotated[str, Field(min_length=1, max_length=50)]
    params: dict[str, Any] = Field(default_factory=dict)


class RuleIn(BaseModel):
    """A rule as written; `conditions` are checked against the subject's conditions (see docs/rules.md)."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=200)]
    subject: Literal["feedback", "insight"] = "feedback"
    enabled: bool = True
    conditions: dict[str, Any] = Field(default_factory=dict)
    actions: list[ActionIn] = Field(min_length=1, max_length=10)

    @field_validator("name")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()


class RuleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    subject: str
    enabled: bool
    enabled_at: datetime | None
    conditions: dict[str, Any]
    actions: list[dict[str, Any]]
    created_at: datetime
    updated_at: datetime


class MatchOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    rule_id: uuid.UUID
    feedback_id: uuid.UUID | None
    insight_id: uuid.UUID | None
    matched_at: datetime
    matched: list[str] = Field(description="the conditions that held")
    tags: list[str] = Field(default_factory=list, description="tags this rule put on the record")


class Example(BaseModel):
    id: uuid.UUID
    received_at: datetime
    scores: dict[str, float]
    excerpt: str
    matched: list[str]


class DryRunOut(BaseModel):
    days: int
    since: datetime
    checked: int = Field(description="records received in the period")
    matched: int
    examples: list[Example]


class TagOut(BaseModel):
    tag: str
    rule_id: uuid.UUID | None
    tagged_at: datetime
