"""What crosses the case API: opening a case (also the `open_case` rule action's parameters), changes,
notes, teams, codes, templates, SLA policy, inbox filters and saved views, recovery figures."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from voxpop.case.models import CodeKind, Priority, Status
from voxpop.kit.pagination import MAX_OFFSET

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Hours = Annotated[float, Field(gt=0, le=24 * 365)]
PLACEHOLDERS = ("first_name", "record_text")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ToUser(_In):
    type: Literal["user"]
    email: Annotated[str, StringConstraints(min_length=3, max_length=320, to_lower=True)]


class ToTeam(_In):
    type: Literal["team"]
    team: Name


class RoundRobin(_In):
    """The team member who waited longest since their last assignment gets the case."""

    type: Literal["round_robin"]
    team: Name


class ByRegion(_In):
    """A customer attribute (e.g. `region`) picks the team; `default` when the value maps to none."""

    type: Literal["region"]
    attribute: Name = "region"
    teams: dict[Name, Name] = Field(min_length=1)
    default: Name | None = None
    round_robin: bool = Field(True, description="also pick a member of the team, by round-robin")


Assignment = Annotated[ToUser | ToTeam | RoundRobin | ByRegion, Field(discriminator="type")]


class OpenCaseParams(_In):
    """How a case is opened: by the `open_case` rule action, or through the API."""

    title: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = None
    priority: Priority = Priority.NORMAL
    assignment: Assignment | None = None
    first_contact_hours: Hours | None = Field(None, description="overrides the workspace's SLA policy")
    resolution_hours: Hours | None = Field(None, description="overrides the workspace's SLA policy")


class CaseIn(OpenCaseParams):
    feedback_id: uuid.UUID


class CaseChange(_In):
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = None
    priority: Priority | None = None
    root_cause_code: Annotated[str, StringConstraints(max_length=50)] | None = None
    resolution_code: Annotated[str, StringConstraints(max_length=50)] | None = None


class StatusIn(_In):
    status: Status
    root_cause_code: Annotated[str, StringConstraints(max_length=50)] | None = None
    resolution_code: Annotated[str, StringConstraints(max_length=50)] | None = None
    follow_up_survey_id: uuid.UUID | None = Field(
        None, description="on closing: invite the customer to this survey by email"
    )


class AssignIn(_In):
    assignee_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None


class NoteIn(_In):
    text: Annotated[str, StringConstraints(min_length=1, max_length=5000)]


class EmailIn(_In):
    template_id: uuid.UUID | None = Field(
        None, description="the workspace's template; a built-in one if none"
    )


class TeamIn(_In):
    name: Name


class MemberIn(_In):
    email: Annotated[str, StringConstraints(min_length=3, max_length=320, to_lower=True)]


class CodeIn(_In):
    kind: CodeKind
    code: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,49}$")]
    label: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class TemplateIn(_In):
    name: Name
    subject: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    body: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]

    @field_validator("subject", "body")
    @classmethod
    def _known_placeholders(cls, value: str) -> str:
        unknown = [p for p in PLACEHOLDER.findall(value) if p not in PLACEHOLDERS]
        if unknown:
            known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            raise ValueError(f"unknown placeholder {{{unknown[0]}}}; use {known}")
        return value

    @field_validator("subject")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value or "\r" in value:
            raise ValueError("must be one line (no line breaks)")
        return value


class PolicyIn(_In):
    first_contact_hours: Hours = 48
    resolution_hours: Hours = 168
    warn_at_percent: int = Field(80, ge=1, le=99, description="warn when this share of a window has passed")
    priority_factors: dict[Priority, Annotated[float, Field(gt=0, le=1)]] = Field(
        default_factory=lambda: {Priority.HIGH: 0.5, Priority.URGENT: 0.25},
        description="windows are multiplied by these (urgent cases get a quarter of the time)",
    )


class PolicyOut(PolicyIn):
    model_config = ConfigDict(from_attributes=True)


class Filters(_In):
    """Inbox filters; all optional, combined with AND."""

    status: Status | Literal["open"] | None = None
    priority: Priority | None = None
    assignee_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    sla: Literal["breached", "due_soon"] | None = None
    mine: bool = False
    mentioned: bool = False
    sort: Literal["due", "opened", "priority"] = "due"


class InboxQuery(Filters):
    """The inbox's query: filters, or a saved view's, and a page."""

    view_id: uuid.UUID | None = Field(None, description="use this saved view's filters instead")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def filters(self) -> Filters:
        return Filters.model_validate(self.model_dump(exclude={"view_id", "limit", "offset"}))


class ViewIn(_In):
    name: Name
    filters: Filters


class ViewOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    filters: dict[str, Any]


class TeamOut(BaseModel):
    id: uuid.UUID
    name: str
    members: list[str]


class CodeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    code: str
    label: str


class TemplateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    subject: str
    body: str


class CaseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    customer_id: uuid.UUID | None
    title: str
    priority: str
    status: str
    detractor: bool
    assignee_id: uuid.UUID | None
    team_id: uuid.UUID | None
    first_contact_due: datetime
    resolution_due: datetime
    first_contact_warned_at: datetime | None
    first_contact_breached_at: datetime | None
    resolution_warned_at: datetime | None
    resolution_breached_at: datetime | None
    first_contacted_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    root_cause_code: str | None
    resolution_code: str | None
    opened_at: datetime
    updated_at: datetime


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    actor: str
    kind: str
    details: dict[str, Any]
    occurred_at: datetime


class CaseDetailOut(CaseOut):
    feedback_ids: list[uuid.UUID]
    events: list[EventOut]


class TimelineEntry(BaseModel):
    at: datetime
    kind: Literal["feedback", "journey_event"]
    id: uuid.UUID
    channel: str | None
    title: str | None
    text: str | None
    scores: dict[str, float]
    type: str | None = Field(
        None, description="the record's kind (review, support_ticket…) or the event's type"
    )
    case_id: uuid.UUID | None = Field(
        None, description="the case the record belongs to, if the caller may see it"
    )


class DeliveryRef(BaseModel):
    delivery_id: uuid.UUID


class Durations(BaseModel):
    n: int
    median_hours: float | None
    p90_hours: float | None


class RecoveryRow(BaseModel):
    """Figures of one group of closed cases (all of them, a team's, or an agent's)."""

    group: str
    closed_cases: int
    detractor_cases: int
    answered_again: int = Field(
        description="closed detractor cases whose customer gave an NPS after the close"
    )
    recovered: int = Field(description="of those, the ones whose first NPS after the close was 7–10")
    recovery_rate: float | None = Field(description="recovered / answered_again; none when nobody answered")
    time_to_first_contact: Durations
    time_to_close: Durations


class RecoveryOut(BaseModel):
    overall: RecoveryRow
    teams: list[RecoveryRow]
    agents: list[RecoveryRow]
