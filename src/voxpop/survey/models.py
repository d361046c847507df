"""Survey tables: a survey, its immutable versions, personal invitations, and responses; and each
workspace's contact rules."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from voxpop.kit import clock
from voxpop.kit.db import Base, IdMixin


class Survey(IdMixin, Base):
    """A survey at a public short URL `/s/<slug>`; its questions live in versions, the newest one served."""

    __tablename__ = "surveys"

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10))
    lifecycle_stage: Mapped[str | None] = mapped_column(String(20))
    touchpoint: Mapped[str | None] = mapped_column(String(100))
    current_version: Mapped[int] = mapped_column(Integer)
    draft: Mapped[dict[str, Any] | None] = mapped_column(
        doc="the builder's unpublished definition (None: the same as the current version)"
    )
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)


class SurveyVersion(IdMixin, Base):
    """One definition of a survey, never changed once written; every response points at the one it was given on."""

    __tablename__ = "survey_versions"
    __table_args__ = (UniqueConstraint("survey_id", "number"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    survey_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    definition: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class SurveyInvitation(IdMixin, Base):
    """A personal link: a unique token for one customer, answerable once."""

    __tablename__ = "survey_invitations"

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    survey_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    customer_ref: Mapped[dict[str, Any]]
    token: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(20))
    hidden: Mapped[dict[str, Any]] = mapped_column(default=dict)
    email_id: Mapped[uuid.UUID | None] = mapped_column(doc="the invitation email's delivery id")
    invited_at: Mapped[datetime] = mapped_column(default=clock.now)
    reminded_at: Mapped[datetime | None] = mapped_column(doc="when the last reminder was sent (or stopped)")
    reminders_sent: Mapped[int] = mapped_column(
        Integer, default=0, doc="reminders sent, or given up when a contact rule stopped one"
    )


class SurveyUnsubscribe(IdMixin, Base):
    """A customer who asked never to be invited to a survey of this workspace again."""

    __tablename__ = "survey_unsubscribes"
    __table_args__ = (UniqueConstraint("workspace_id", "customer_id"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class SurveyUnsubscribedAddress(IdMixin, Base):
    """An unsubscribe that outlived its customer's erasure: a keyed hash of one of their email addresses
    (`survey.contact.address_hash`), no readable address, so the same address imported again stays
    unsubscribed."""

    __tablename__ = "survey_unsubscribed_addresses"
    __table_args__ = (UniqueConstraint("workspace_id", "address_hash"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    address_hash: Mapped[str] = mapped_column(String(64), doc="HMAC-SHA256, hex")
    unsubscribed_at: Mapped[datetime]


MOST_INVITATIONS = 100
LONGEST_DAYS = 365
"""Bounds of a workspace's contact rules, held by the table and checked by the API and the settings."""


class SurveyContactRules(Base):
    """A workspace's limits on how often a customer is asked, across all its surveys; a workspace without a
    row uses the `VOXPOP_SURVEY_*` defaults (`survey.contact.ContactRules`)."""

    __tablename__ = "survey_contact_rules"
    __table_args__ = (
        CheckConstraint(f"max_invitations BETWEEN 1 AND {MOST_INVITATIONS}", name="max_invitations"),
        CheckConstraint(f"period_days BETWEEN 1 AND {LONGEST_DAYS}", name="period_days"),
        CheckConstraint(
            f"quiet_days_after_answer BETWEEN 0 AND {LONGEST_DAYS}", name="quiet_days_after_answer"
        ),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    max_invitations: Mapped[int] = mapped_column(Integer)
    period_days: Mapped[int] = mapped_column(Integer)
    quiet_days_after_answer: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)


class SurveyResponse(IdMixin, Base):
    """One respondent's answers, saved page by page; `key` is the secret in its resume URL, `next_page`
    the page to show next (None once completed)."""

    __tablename__ = "survey_responses"
    __table_args__ = (Index("ix_survey_responses_survey_started", "survey_id", "started_at"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    survey_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("survey_versions.id", ondelete="CASCADE"))
    invitation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("survey_invitations.id", ondelete="CASCADE"), unique=True
    )
    key: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(16))
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    hidden: Mapped[dict[str, Any]] = mapped_column(default=dict)
    consent: Mapped[bool | None]
    next_page: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(default=clock.now)
    completed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)


class SurveySuppression(IdMixin, Base):
    """An invitation (or reminder) that was not made, and the contact rule that stopped it."""

    __tablename__ = "survey_suppressions"

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    survey_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12), default="invitation", doc="invitation or reminder")
    rule: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
