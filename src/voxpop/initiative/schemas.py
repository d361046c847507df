"""What crosses the initiative API."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from voxpop.kit.validation import LIFECYCLE_STAGES, Day, choice, label

Status = Literal["planned", "in_progress", "done", "cancelled"]
Outcome = Literal["better", "worse", "no change", "untestable"]
SEGMENT_FIELD = r'^(customer|attributes)\.[^"\\\[\]$]{1,100}$'
MAX_TARGETS = 50


def _distinct(values: list[str | None]) -> list[str]:
    """Blank entries dropped, repeats kept once, in the order given."""
    return list(dict.fromkeys(v for v in values if v))


Stage = Annotated[str, choice(LIFECYCLE_STAGES, "lifecycle stage")]


class Segment(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    field: str = Field(
        pattern=SEGMENT_FIELD, description="customer.<attribute> or attributes.<attribute> (of the record)"
    )
    value: str = Field(min_length=1, max_length=200)


class Targets(BaseModel):
    """What the initiative aims to change; the impact view measures each."""

    model_config = ConfigDict(extra="forbid")

    themes: Annotated[list[uuid.UUID], Field(max_length=MAX_TARGETS), AfterValidator(_distinct)] = Field(
        default_factory=list, description="ids of top-level themes of the workspace"
    )
    touchpoints: Annotated[
        list[label(100)],  # type: ignore[valid-type]
        Field(max_length=MAX_TARGETS),
        AfterValidator(_distinct),
    ] = Field(default_factory=list)
    lifecycle_stages: Annotated[list[Stage], Field(max_length=MAX_TARGETS), AfterValidator(_distinct)] = (
        Field(default_factory=list)
    )
    channels: Annotated[
        list[label(50)],  # type: ignore[valid-type]
        Field(max_length=MAX_TARGETS),
        AfterValidator(_distinct),
    ] = Field(default_factory=list)
    segments: list[Segment] = Field(default_factory=list, max_length=MAX_TARGETS)

    def slices(self) -> list[tuple[str, str]]:
        """Every non-theme target as a (FIELD, VALUE) filter of the insight figures."""
        return [
            *(("touchpoint", t) for t in self.touchpoints),
            *(("lifecycle_stage", s) for s in self.lifecycle_stages),
            *(("channel", c) for c in self.channels),
            *((s.field, s.value) for s in self.segments),
        ]


class InitiativeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=10_000)
    owner: str = Field(min_length=1, max_length=320, description="email of a member of the workspace")
    status: Status = "planned"
    starts_on: Day
    ends_on: Day | None = Field(None, description="the last day; none while it runs")
    targets: Targets = Field(default_factory=Targets)


class InitiativeChange(BaseModel):
    """Only the fields given change; `ends_on: null` clears the end date."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=10_000)
    owner: str | None = Field(None, min_length=1, max_length=320)
    status: Status | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None
    targets: Targets | None = None


class InitiativeOut(BaseModel):
    id: uuid.UUID
    name: str
    description: str
    owner: str | None = Field(description="the owner's email; none once the user is gone")
    status: str
    starts_on: date
    ends_on: date | None
    targets: Targets
    created_at: datetime
    updated_at: datetime


class EstimateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    value: float | None
    low: float | None
    high: float | None
    n: int
    reliable: bool


class MeasureOut(BaseModel):
    target: str = Field(description="theme, touchpoint, lifecycle_stage, channel or the segment's field")
    subject: str = Field(description="the theme's name or the slice's value")
    measure: str = Field(description="mentions, negative, impact on a metric, or a metric of the slice")
    unit: str
    before: EstimateOut
    after: EstimateOut
    difference: float | None = Field(description="after minus before")
    low: float | None
    high: float | None
    test: str
    p_value: float | None
    q_value: float | None = Field(description="Benjamini–Hochberg adjusted across the initiative's measures")
    outcome: Outcome
    before_records: str = Field(description="address of the records behind the figure before")
    after_records: str


class WindowOut(BaseModel):
    since: date
    until: date


class ImpactOut(BaseModel):
    initiative_id: uuid.UUID
    before: WindowOut | None
    after: WindowOut | None
    verdict: str
    alpha: float
    measures: list[MeasureOut]
