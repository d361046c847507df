"""Case tables: cases and the records they are about, their history (events), mentions, teams, codes,
follow-up email templates, saved inbox views and the workspace's SLA policy."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from voxpop.kit import clock
from voxpop.kit.db import Base, IdMixin


class Status(StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class CodeKind(StrEnum):
    ROOT_CAUSE = "root_cause"
    RESOLUTION = "resolution"


OPEN_STATUSES = (Status.NEW, Status.CONTACTED, Status.IN_PROGRESS)
# One open case per customer, held by the database: two evaluations at once cannot both open one.
ONE_OPEN_CASE = text("status IN (" + ", ".join(f"'{status.value}'" for status in OPEN_STATUSES) + ")")


class Team(IdMixin, Base):
    __tablename__ = "case_teams"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class TeamMember(Base):
    """A user in a team; `last_assigned_at` drives round-robin (the longest-waiting member is next)."""

    __tablename__ = "case_team_members"

    team_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("case_teams.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    last_assigned_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class Case(IdMixin, Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_workspace_status", "workspace_id", "status"),
        Index("ix_cases_workspace_customer", "workspace_id", "customer_id"),
        Index(
            "uq_cases_open_case_of_customer",
            "workspace_id",
            "customer_id",
            unique=True,
            postgresql_where=ONE_OPEN_CASE,
            sqlite_where=ONE_OPEN_CASE,
        ),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    customer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    priority: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20))
    detractor: Mapped[bool] = mapped_column(doc="a record of the case has an NPS of 0–6")
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    team_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("case_teams.id", ondelete="SET NULL"), index=True
    )
    rule_id: Mapped[uuid.UUID | None]
    first_contact_due: Mapped[datetime]
    resolution_due: Mapped[datetime]
    first_contact_warned_at: Mapped[datetime | None]
    first_contact_breached_at: Mapped[datetime | None]
    resolution_warned_at: Mapped[datetime | None]
    resolution_breached_at: Mapped[datetime | None]
    first_contacted_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    root_cause_code: Mapped[str | None] = mapped_column(String(50))
    resolution_code: Mapped[str | None] = mapped_column(String(50))
    opened_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)


class CaseRecord(Base):
    """A feedback record a case is about (a case gathers a customer's records while it is open)."""

    __tablename__ = "case_records"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    feedback_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("feedback.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    added_at: Mapped[datetime] = mapped_column(default=clock.now)


class CaseEvent(IdMixin, Base):
    """One change to a case: who, what (`kind` and details), when. Notes are events of kind `note`."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_occurred", "case_id", "occurred_at"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(String(320))
    actor_user_id: Mapped[uuid.UUID | None]
    kind: Mapped[str] = mapped_column(String(40))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    occurred_at: Mapped[datetime] = mapped_column(default=clock.now)


class CaseMention(IdMixin, Base):
    """A user @-mentioned in a note of a case."""

    __tablename__ = "case_mentions"

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_events.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class CaseCode(IdMixin, Base):
    """A root-cause or resolution code the workspace allows."""

    __tablename__ = "case_codes"
    __table_args__ = (UniqueConstraint("workspace_id", "kind", "code"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(50))
    label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class CaseTemplate(IdMixin, Base):
    """A follow-up email to the customer, with {first_name} and {record_text} placeholders."""

    __tablename__ = "case_templates"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)


class SavedView(IdMixin, Base):
    """A user's named set of inbox filters."""

    __tablename__ = "case_views"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id", "name"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    filters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class SlaPolicy(Base):
    """A workspace's SLA windows; a workspace without a row uses the defaults of `case.sla`."""

    __tablename__ = "case_sla_policies"

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    first_contact_hours: Mapped[float] = mapped_column(Float)
    resolution_hours: Mapped[float] = mapped_column(Float)
    warn_at_percent: Mapped[int] = mapped_column(Integer)
    priority_factors: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)
