"""What crosses the survey API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from voxpop.customer.schemas import CustomerIn
from voxpop.kit.validation import AttributeValue, LifecycleStage, label
from voxpop.survey.definition import Definition, EmailTemplate
from voxpop.survey.models import LONGEST_DAYS, MOST_INVITATIONS

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{2,59}$")]
Status = Literal["draft", "live", "closed"]
MaxInvitations = Annotated[
    int,
    Field(ge=1, le=MOST_INVITATIONS, description="new invitations per customer per period, all surveys"),
]
PeriodDays = Annotated[int, Field(ge=1, le=LONGEST_DAYS, description="the period invitations are counted in")]
QuietDays = Annotated[
    int,
    Field(ge=0, le=LONGEST_DAYS, description="days after an answer with no invitation or reminder (0: none)"),
]


class SurveyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    slug: Slug | None = Field(None, description="the public address /s/<slug>; made up when not given")
    status: Status = "live"
    lifecycle_stage: LifecycleStage = None
    touchpoint: label(100) = None  # type: ignore[valid-type]
    definition: Definition


class SurveyChange(BaseModel):
    """Any of these; a new definition becomes a new version, and answers already given keep theirs."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Annotated[str | None, StringConstraints(min_length=1, max_length=200)] = None
    status: Status | None = None
    lifecycle_stage: LifecycleStage = None
    touchpoint: label(100) = None  # type: ignore[valid-type]
    definition: Definition | None = None


class SurveyOut(BaseModel):
    id: uuid.UUID
    slug: str
    name: str
    status: str
    lifecycle_stage: str | None
    touchpoint: str | None
    version: int
    path: str
    definition: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class VersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    definition: dict[str, Any]
    created_at: datetime


class InvitationsIn(BaseModel):
    """Personal links for these customers (one per customer and survey: asking again returns the same).
    With channel `email`, each new link is also sent by email; customers who unsubscribed get none."""

    model_config = ConfigDict(extra="forbid")

    customers: list[CustomerIn] = Field(min_length=1, max_length=1000)
    channel: Literal["link", "email", "sms", "app"] = "link"
    hidden: dict[Annotated[str, Field(min_length=1, max_length=40)], AttributeValue] = Field(
        default_factory=dict
    )
    email: EmailTemplate = Field(default_factory=EmailTemplate)


class InvitationOut(BaseModel):
    customer_id: uuid.UUID
    token: str | None
    path: str | None
    created: bool
    suppressed_by: str | None = Field(None, description="the contact rule that stopped a new invitation")
    reason: str | None = None
    email_id: uuid.UUID | None = None


class InAppIn(BaseModel):
    """Which survey, if any, an app should show this customer now (at this touchpoint, if given)."""

    model_config = ConfigDict(extra="forbid")

    customer: CustomerIn
    touchpoint: label(100) = None  # type: ignore[valid-type]


class InAppOut(BaseModel):
    survey_id: uuid.UUID | None
    path: str | None = Field(None, description="the customer's personal link to open in a web view")
    reason: str | None = Field(None, description="why no survey is shown")


class RemindersIn(BaseModel):
    """One reminder per emailed invitation still unanswered after `after_days` days."""

    model_config = ConfigDict(extra="forbid")

    after_days: int = Field(3, ge=0, le=365)
    email: EmailTemplate = Field(
        default_factory=lambda: EmailTemplate(subject="Reminder: {survey}: one quick question")
    )


class RemindersOut(BaseModel):
    reminded: int


class ContactRulesIn(BaseModel):
    """How often a customer of the workspace may be asked, across all its surveys (all three are set)."""

    model_config = ConfigDict(extra="forbid")

    max_invitations: MaxInvitations
    period_days: PeriodDays
    quiet_days_after_answer: QuietDays


class ContactRulesOut(ContactRulesIn):
    model_config = ConfigDict(from_attributes=True)

    updated_at: datetime | None = Field(
        None, description="when an admin last set them; none while the workspace has the defaults"
    )


class QuestionFunnel(BaseModel):
    question: str
    reached: int
    answered: int
    dropped_here: int


class ChannelFunnel(BaseModel):
    channel: str
    invited: int | None
    delivered: int | None = None
    bounced: int | None = None
    started: int
    completed: int
    response_rate: float | None
    completion_rate: float | None
    median_seconds_to_complete: float | None


class FunnelOut(BaseModel):
    survey_id: uuid.UUID
    channels: list[ChannelFunnel]
    total: ChannelFunnel
    questions: list[QuestionFunnel]


class ResponseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    channel: str
    language: str
    answers: dict[str, Any]
    hidden: dict[str, Any]
    consent: bool | None
    started_at: datetime
    completed_at: datetime | None


class AnswerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    language: str
    answers: dict[str, Any]
    hidden: dict[str, Any]
    consent: bool | None
    started_at: datetime
    completed_at: datetime | None


class CustomerInvitationOut(BaseModel):
    """One personal link of a customer, as their data export shows it."""

    survey_id: uuid.UUID
    survey: str
    channel: str
    identities: dict[str, Any] = Field(description="the identities the invitation was made for")
    hidden: dict[str, Any]
    invited_at: datetime
    reminders_sent: int
    reminded_at: datetime | None
    answer: AnswerOut | None


class StoppedContactOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    survey_id: uuid.UUID
    kind: str
    rule: str
    detail: str
    created_at: datetime


class CustomerSurveysOut(BaseModel):
    """Everything the survey domain holds about one customer."""

    invitations: list[CustomerInvitationOut]
    unsubscribed_at: datetime | None
    stopped_contacts: list[StoppedContactOut]
