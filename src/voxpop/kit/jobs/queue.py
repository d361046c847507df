"""Defining and enqueueing jobs.

`enqueue` writes a job row in the caller's transaction and wakes a runner only after that transaction
commits, so a runner never sees work that was rolled back and never misses work that was committed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session

from voxpop.kit import clock
from voxpop.kit.ids import new_id
from voxpop.kit.jobs.models import Job


@dataclass
class JobContext:
    """What a running job gets: its own session (the job commits), its id, and a way to say it is alive."""

    session: Session
    job_id: uuid.UUID
    heartbeat: Callable[[], None]


JobFunc = Callable[[JobContext, dict[str, Any]], None]
_registry: dict[str, JobFunc] = {}


class Waker(Protocol):
    def wake(self, job_id: uuid.UUID) -> None: ...


_waker: Waker | None = None


def set_waker(waker: Waker | None) -> None:
    """Who to tell when a job is committed: the in-process runner, Celery, or nobody (a CLI process)."""
    global _waker
    _waker = waker


def register(name: str, func: JobFunc) -> None:
    """Make `func` the job called `name` in this process (`voxpop.registry` registers every job at start)."""
    _registry[name] = func


def registered_jobs() -> dict[str, JobFunc]:
    return dict(_registry)


def enqueue(
    session: Session, name: str, payload: dict[str, Any], workspace_id: uuid.UUID | None = None
) -> Job:
    if name not in _registry:
        raise KeyError(f"no job named {name!r} is registered")
    # The id and time are set here rather than by a flush, so that enqueueing many jobs writes them in one
    # batch at the next flush instead of one INSERT each (rules queue a webhook per match).
    record = Job(id=new_id(), name=name, payload=payload, workspace_id=workspace_id, run_after=clock.now())
    session.add(record)
    session.info.setdefault(_PENDING_WAKES, []).append(record.id)
    return record


_PENDING_WAKES = "voxpop_jobs_to_wake"


@event.listens_for(Session, "after_commit")
def _wake_after_commit(session: Session) -> None:
    job_ids = session.info.pop(_PENDING_WAKES, [])
    if _waker is not None:
        for job_id in job_ids:
            _waker.wake(job_id)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, _previous_transaction: object) -> None:
    session.info.pop(_PENDING_WAKES, None)
