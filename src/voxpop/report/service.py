"""Weekly report subscriptions, sending, and its schedule.

There is no cron: the schedule is a job row. Subscribing queues a `report.weekly` job for the workspace to
run on the next Monday at SEND_HOUR UTC (unless one is already waiting); each run sends the last complete
week's report, at most once per workspace and week (a unique row records it), then queues the next run.
Both job runners (the embedded one and the Celery workers' sweep) pick the row up when it is due; a runner
that was down sends the latest complete week when it comes back, not a backlog.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from voxpop.auth import service as auth_service
from voxpop.delivery import service as delivery
from voxpop.insight import emerging
from voxpop.insight.changes import Window, last_complete_periods
from voxpop.insight.service import METRICS
from voxpop.kit import clock
from voxpop.kit.jobs import enqueue
from voxpop.kit.settings import get_settings
from voxpop.report import repository, weekly
from voxpop.report.weekly import WeeklyReport
from voxpop.workspace import service as workspace_service

WEEKLY_JOB = "report.weekly"
SEND_HOUR = 6


def next_send_time(now: datetime) -> datetime:
    """The next Monday SEND_HOUR:00 UTC after `now`."""
    monday = now.date() - timedelta(days=now.weekday())
    due = datetime.combine(monday, time(SEND_HOUR), UTC)
    return due if due > now else due + timedelta(days=7)


def last_week(today: date) -> Window:
    current, _ = last_complete_periods("week", today)
    return current


def set_subscription(session: Session, workspace_id: uuid.UUID, user_id: uuid.UUID, subscribed: bool) -> None:
    """Subscribe a member to the weekly report (and make sure a run is queued), or unsubscribe them."""
    if repository.is_subscribed(session, workspace_id, user_id) == subscribed:
        return
    if subscribed:
        repository.subscribe(session, workspace_id, user_id)
        ensure_scheduled(session, workspace_id)
    else:
        repository.unsubscribe(session, workspace_id, user_id)


def is_subscribed(session: Session, workspace_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    return repository.is_subscribed(session, workspace_id, user_id)


def ensure_scheduled(session: Session, workspace_id: uuid.UUID, running: uuid.UUID | None = None) -> None:
    """Queue the next weekly run for the next Monday, if anyone is subscribed and none is queued."""
    if not repository.subscriber_ids(session, workspace_id):
        return
    if repository.queued(session, workspace_id, WEEKLY_JOB, other_than=running):
        return
    job = enqueue(session, WEEKLY_JOB, {"workspace_id": str(workspace_id)}, workspace_id=workspace_id)
    job.run_after = next_send_time(clock.now())


def recipients(session: Session, workspace_id: uuid.UUID) -> list[str]:
    """Email addresses of subscribers who are still active members of the workspace."""
    found = []
    for user_id in repository.subscriber_ids(session, workspace_id):
        user = auth_service.get_user(session, user_id)
        member = user is not None and any(
            m.workspace_id == workspace_id for m in auth_service.memberships_of(session, user_id)
        )
        if user is not None and user.is_active and member:
            found.append(user.email)
    return found


def report_of(session: Session, workspace_id: uuid.UUID, week: Window) -> WeeklyReport:
    name = workspace_service.get(session, workspace_id).name
    return weekly.build(session, workspace_id, name, week)


def send_weekly(session: Session, workspace_id: uuid.UUID) -> int:
    """Detect the last complete week's emerging issues, then send its report to every subscriber, once:
    returns how many emails were queued (0 when the week was sent already)."""
    week = last_week(clock.now().date())
    if repository.was_sent(session, workspace_id, week.start):
        return 0
    for metric in METRICS:
        emerging.detect_metric_shifts(session, workspace_id, metric, ("channel",), "week", as_of=week.end)
    report = report_of(session, workspace_id, week)
    addresses = recipients(session, workspace_id)
    min_n = get_settings().min_n
    text, html = weekly.as_text(report, min_n), weekly.as_html(report, min_n)
    for address in addresses:
        delivery.queue_email(session, workspace_id, to=address, subject=report.subject, text=text, html=html)
    repository.record_sent(session, workspace_id, week.start, len(addresses))
    return len(addresses)
