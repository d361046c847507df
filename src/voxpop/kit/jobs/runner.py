"""Running jobs: claim a pending row, run it in its own session, record the outcome.

A job whose runner died is found by its stale `locked_at` (older than the lease) and run again, so every
job must be safe to run twice (ours are: imports resume from their checkpoint and upsert).
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import traceback
import uuid
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from voxpop.kit import clock
from voxpop.kit.db import new_session
from voxpop.kit.jobs.models import Job, JobStatus
from voxpop.kit.jobs.queue import JobContext, registered_jobs
from voxpop.kit.settings import get_settings

log = logging.getLogger(__name__)


def runner_name() -> str:
    """Which process ran a job (host:pid), kept on the job row for operators."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _claim(session: Session, job_id: uuid.UUID) -> bool:
    now = clock.now()
    stale_before = now - timedelta(seconds=get_settings().job_lease_seconds)
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.run_after <= now)
        .where(
            (Job.status == JobStatus.PENDING)
            | ((Job.status == JobStatus.RUNNING) & (Job.locked_at < stale_before))
        )
        .values(status=JobStatus.RUNNING, locked_at=now, attempts=Job.attempts + 1, ran_by=runner_name())
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


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


def run_job(job_id: uuid.UUID) -> bool:
    """Run one job if it can be claimed; returns whether it ran here."""
    with new_session() as session:
        if not _claim(session, job_id):
            return False
        record = session.get(Job, job_id)
        assert record is not None
        name, payload = record.name, dict(record.payload)
    func = registered_jobs().get(name)
    error: str | None = None
    with new_session() as session:
        try:
            if func is None:
                raise LookupError(f"no job named {name!r} is registered in this process")
            func(JobContext(session=session, job_id=job_id, heartbeat=lambda: _heartbeat(job_id)), payload)
            session.commit()
        except Exception:
            session.rollback()
            error = traceback.format_exc(limit=5)
            log.exception("job %s (%s) failed", job_id, name)
    _finish(job_id, error)
    return True


def due_job_ids(limit: int = 100) -> list[uuid.UUID]:
    """Pending jobs whose time has come, and running jobs whose runner stopped answering."""
    now = clock.now()
    stale_before = now - timedelta(seconds=get_settings().job_lease_seconds)
    with new_session(write=False) as session:
        rows = session.scalars(
            select(Job.id)
            .where(
                ((Job.status == JobStatus.PENDING) & (Job.run_after <= now))
                | ((Job.status == JobStatus.RUNNING) & (Job.locked_at < stale_before))
            )
            .order_by(Job.created_at)
            .limit(limit)
        )
        return list(rows)


def run_due_jobs() -> int:
    return sum(run_job(job_id) for job_id in due_job_ids())


class EmbeddedRunner:
    """Runs jobs on a thread inside the server process: the default, needing no other service."""

    def __init__(self) -> None:
        self._wakeup = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def wake(self, job_id: uuid.UUID) -> None:
        self._wakeup.set()

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="voxpop-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wakeup.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        poll = get_settings().job_poll_seconds
        while not self._stop.is_set():
            self._wakeup.clear()
            try:
                ran = run_due_jobs()
            except Exception:
                log.exception("job loop failed; retrying")
                ran = 0
            if not ran:
                self._wakeup.wait(poll)
