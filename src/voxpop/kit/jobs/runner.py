"""Running jobs: claim pending rows, run each in its own session, record the outcome.

A job whose runner died is found by its stale `locked_at` (older than the lease) and run again, so every
job must be safe to run twice (ours are: imports resume from their checkpoint and upsert). Runners claim
due jobs in batches, many rows in one statement (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so runners
never wait for each other; SQLite serialises writers anyway), and claim only as many as they can start at
once, so a claimed job never waits out its lease in a local queue.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import traceback
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from voxpop.kit import clock
from voxpop.kit.db import UNAVAILABLE_ERRORS, new_session
from voxpop.kit.jobs import queue
from voxpop.kit.jobs.models import Job, JobStatus
from voxpop.kit.jobs.queue import JobContext, registered_jobs
from voxpop.kit.logs import summary
from voxpop.kit.settings import get_settings

log = logging.getLogger(__name__)


def runner_name() -> str:
    """Which process ran a job (host:pid), kept on the job row for operators."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Claimed:
    """A job this process has claimed (status `running`, leased to it) and must now run."""

    id: uuid.UUID
    name: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class JobFilter:
    """Which jobs a runner takes: only the names in `only` (when given), never those in `never`."""

    only: frozenset[str] | None = None
    never: frozenset[str] = field(default_factory=frozenset)

    def condition(self) -> ColumnElement[bool] | None:
        if self.only is not None:
            return Job.name.in_(sorted(self.only))
        return Job.name.not_in(sorted(self.never)) if self.never else None


EVERY_JOB = JobFilter()


def _due() -> ColumnElement[bool]:
    """Pending jobs whose time has come, and running jobs whose runner stopped answering."""
    now = clock.now()
    stale_before = now - timedelta(seconds=get_settings().job_lease_seconds)
    return ((Job.status == JobStatus.PENDING) & (Job.run_after <= now)) | (
        (Job.status == JobStatus.RUNNING) & (Job.locked_at < stale_before)
    )


def _claim_statement(ids: Any) -> Any:
    return (
        update(Job)
        .where(Job.id.in_(ids), _due())
        .values(
            status=JobStatus.RUNNING, locked_at=clock.now(), attempts=Job.attempts + 1, ran_by=runner_name()
        )
        .returning(Job.id, Job.name, Job.payload)
        .execution_options(synchronize_session=False)
    )


def claim_due(limit: int, jobs: JobFilter = EVERY_JOB) -> list[Claimed]:
    """Claim up to `limit` due jobs, oldest first, in one statement; returns what this runner must run."""
    if limit < 1:
        return []
    candidates = select(Job.id).where(_due()).order_by(Job.created_at).limit(limit)
    condition = jobs.condition()
    if condition is not None:
        candidates = candidates.where(condition)
    # A CTE, not a plain IN (subquery): PostgreSQL may rescan an IN subquery once per row it updates, and
    # each rescan skips the rows just claimed and locks the next ones, claiming past the limit.
    picked = candidates.with_for_update(skip_locked=True).cte("picked")
    with new_session() as session:
        rows = session.execute(_claim_statement(select(picked.c.id))).all()
        session.commit()
    return [Claimed(row.id, row.name, dict(row.payload)) for row in rows]


def _claim_one(session: Session, job_id: uuid.UUID) -> Claimed | None:
    row = session.execute(_claim_statement([job_id])).first()
    session.commit()
    return Claimed(row.id, row.name, dict(row.payload)) if row is not None else None


def _heartbeat(job_id: uuid.UUID) -> None:
    with new_session() as session:
        session.execute(update(Job).where(Job.id == job_id).values(locked_at=clock.now()))
        session.commit()


def _finish(job_id: uuid.UUID, error: str | None) -> None:
    settings = get_settings()
    with new_session() as session:
        record = session.get(Job, job_id)
        if record is None:
            return
        if error is None:
            record.status, record.error, record.finished_at = JobStatus.DONE, None, clock.now()
        elif record.attempts >= settings.job_max_attempts:
            record.status, record.error, record.finished_at = JobStatus.FAILED, error, clock.now()
        else:
            backoff = min(600.0, 2.0**record.attempts) * (0.5 + random.random())
            record.status, record.error = JobStatus.PENDING, error
            record.run_after = clock.now() + timedelta(seconds=backoff)
        session.commit()


def execute(claimed: Claimed) -> None:
    """Run a claimed job in its own session and record how it went."""
    func = registered_jobs().get(claimed.name)
    error: str | None = None
    with new_session() as session:
        try:
            if func is None:
                raise LookupError(f"no job named {claimed.name!r} is registered in this process")
            beat = lambda: _heartbeat(claimed.id)  # noqa: E731
            func(JobContext(session=session, job_id=claimed.id, heartbeat=beat), claimed.payload)
            session.commit()
        except UNAVAILABLE_ERRORS as unavailable:  # an outage fails every job: one line each, no traceback
            error = summary(unavailable)
            log.warning(
                "job %s (%s) failed, the database is unavailable: %s", claimed.id, claimed.name, error
            )
        except Exception:
            session.rollback()
            error = traceback.format_exc(limit=5)
            log.exception("job %s (%s) failed", claimed.id, claimed.name)
    _finish(claimed.id, error)


def run_job(job_id: uuid.UUID) -> bool:
    """Run one job if it can be claimed; returns whether it ran here."""
    with new_session() as session:
        claimed = _claim_one(session, job_id)
    if claimed is None:
        return False
    execute(claimed)
    return True


def due_job_ids(limit: int = 100) -> list[uuid.UUID]:
    """Pending jobs whose time has come, and running jobs whose runner stopped answering."""
    with new_session(write=False) as session:
        rows = session.scalars(select(Job.id).where(_due()).order_by(Job.created_at).limit(limit))
        return list(rows)


def run_due_jobs(jobs: JobFilter = EVERY_JOB, limit: int = 100) -> int:
    """Run due jobs one after another (each claimed just before it runs), at most `limit`; how many ran."""
    ran = 0
    while ran < limit and (claimed := claim_due(1, jobs)):
        execute(claimed[0])
        ran += 1
    return ran


def lane_filters() -> dict[str, JobFilter]:
    """Each lane's jobs: a named lane takes its own; the default lane every job no other lane takes."""
    lanes = queue.lanes()
    others = frozenset[str]().union(*(names for lane, names in lanes.items() if lane != queue.DEFAULT_LANE))
    return {
        lane: JobFilter(never=others) if lane == queue.DEFAULT_LANE else JobFilter(only=names)
        for lane, names in lanes.items()
    }
