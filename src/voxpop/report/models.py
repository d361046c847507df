from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from voxpop.kit import clock
from voxpop.kit.db import Base, IdMixin


class ReportSubscription(IdMixin, Base):
    """A user who asked for the workspace's weekly report by email."""

    __tablename__ = "report_subscriptions"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class WeeklyReportSent(IdMixin, Base):
    """One week's report of one workspace, sent: the unique key makes sending it twice impossible."""

    __tablename__ = "weekly_reports"
    __table_args__ = (UniqueConstraint("workspace_id", "week_start"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)
    recipients: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(default=clock.now)
