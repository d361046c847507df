"""Every query of the report domain: subscriptions, weeks sent, and whether a weekly run is queued."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from voxpop.kit.jobs.models import Job, JobStatus
from voxpop.report.models import ReportSubscription, WeeklyReportSent


def subscriber_ids(session: Session, workspace_id: uuid.UUID) -> list[uuid.UUID]:
    query = select(ReportSubscription.user_id).where(ReportSubscription.workspace_id == workspace_id)
    return list(session.scalars(query.order_by(ReportSubscription.created_at)))


def is_subscribed(session: Session, workspace_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    return user_id in subscriber_ids(session, workspace_id)


def subscribe(session: Session, workspace_id: uuid.UUID, user_id: uuid.UUID) -> None:
    session.add(ReportSubscription(workspace_id=workspace_id, user_id=user_id))
    session.flush()


def unsubscribe(session: Session, workspace_id: uuid.UUID, user_id: uuid.UUID) -> None:
    session.execute(
        delete(ReportSubscription).where(
            ReportSubscription.workspace_id == workspace_id, ReportSubscription.user_id == user_id
        )
    )


def was_sent(session: Session, workspace_id: uuid.UUID, week_start: date) -> bool:
    query = select(WeeklyReportSent.id).where(
        WeeklyReportSent.workspace_id == workspace_id, WeeklyReportSent.week_start == week_start
    )
    return session.scalars(query).first() is not None


def record_sent(session: Session, workspace_id: uuid.UUID, week_start: date, recipients: int) -> None:
    session.add(WeeklyReportSent(workspace_id=workspace_id, week_start=week_start, recipients=recipients))
    session.flush()


def queued(session: Session, workspace_id: uuid.UUID, name: str, other_than: uuid.UUID | None) -> bool:
    """Whether a job `name` for the workspace is waiting or running (apart from the job `other_than`)."""
    query = select(Job.id).where(
        Job.name == name,
        Job.workspace_id == workspace_id,
        Job.status.in_((JobStatus.PENDING, JobStatus.RUNNING)),
    )
    if other_than is not None:
        query = query.where(Job.id != other_than)
    return session.scalars(query).first() is not None
