"""Defining and enqueueing jobs.

`enqueue` writes a job row in the caller's transaction and wakes a runner only after that transaction
commits, so a runner never sees work that was rolled back and never misses work that was committed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session

from voxpop.kit import clock
from voxpop.kit.ids import new_id
from voxpop.kit.jobs.models import Job
from voxpop.kit.logs import summary

log = logging.getLogger(__name__)
DEFAULT_LANE = "default"


@dataclass
class JobContext:
    """What a running job gets: its own session (the job commits), its id, and a way to say it is alive."""

    session: Session
    job_id: uuid.UUID
    heartbeat: Callable[[], None]


JobFunc = Callable[[JobContext, dict[str, Any]], None]
_registry: dict[str, JobFunc] = {}
_lanes: dict[str, str] = {}


class Waker(Protocol):
    def wake(self, job_id: uuid.UUID) -> None: ...


_waker: Waker | None = None


def set_waker(waker: Waker | None) -> None:
    """Who to tell when a job is committed: the in-process runner, Celery, or nobody (a CLI process)."""
    global _waker
    _waker = waker


def register(name: str, func: JobFunc, lane: str = DEFAULT_LANE) -> None:
    """Make `func` the job called `name` in this process (`voxpop.registry` registers every job at start).
    Jobs of another `lane` than the default run on a runner thread of their own in embedded mode, so that slow
    ones (deliveries waiting on receivers) never hold up the rest."""
    _registry[name] = func
    _lanes[name] = lane


def registered_jobs() -> dict[str, JobFunc]:
    return dict(_registry)


def lanes() -> dict[str, frozenset[str]]:
    """Each lane with the names of its jobs."""
    names: dict[str, set[str]] = {DEFAULT_LANE: set()}
    for name, lane in _lanes.items():
        names.setdefault(lane, set()).add(name)
    return {lane: frozenset(members) for lane, members in names.items()}


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
    """The jobs are committed, so the work is safe whatever happens here: a wake-up that fails (a broker
    down) is logged and left to the runners' sweep of the table, never raised into the request."""
    job_ids = session.info.pop(_PENDING_WAKES, [])
    if _waker is None:
        return
    for job_id in job_ids:
        try:
            _waker.wake(job_id)
        except Exception as error:
            log.warning(
                "could not wake a runner for job %s (the sweep will run it): %s", job_id, summary(error)
            )


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, _previous_transaction: object) -> None:
    session.info.pop(_PENDING_WAKES, None)
