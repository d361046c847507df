"""Recovering jobs in batches: a runner claims many due rows (pending, or running with a stale lease) in one
statement, and runners claiming at the same time never get the same job."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tests.factories import writing
from voxpop.kit import clock
from voxpop.kit.jobs import JobContext, enqueue, register, runner
from voxpop.kit.jobs.loops import EmbeddedRunner
from voxpop.kit.jobs.models import Job, JobStatus

pytestmark = pytest.mark.usefixtures("background_jobs_paused")
finished: list[str] = []


def noop(ctx: JobContext, payload: dict[str, Any]) -> None:
    finished.append(payload["tag"])


def slow(ctx: JobContext, payload: dict[str, Any]) -> None:
    time.sleep(payload["seconds"])
    finished.append(payload["tag"])


register("tests.claims.noop", noop)
register("tests.claims.slow", slow, lane="tests-slow")


def queue_jobs(session: Session, pending: int, orphaned: int) -> set[uuid.UUID]:
    """`pending` jobs never announced, and `orphaned` ones whose runner died long ago (a stale lease)."""
    long_ago = clock.now() - timedelta(hours=1)
    ids = set()
    with writing(session) as writer:
        for n in range(pending + orphaned):
            record = enqueue(writer, "tests.claims.noop", {"tag": str(n)})
            if n >= pending:
                record.status, record.locked_at, record.attempts = JobStatus.RUNNING, long_ago, 1
            ids.add(record.id)
    return ids


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_orphaned_and_pending_jobs_are_claimed_in_one_statement(session: Session, engine: Engine) -> None:
    ids = queue_jobs(session, pending=20, orphaned=30)
    with statements(engine) as seen:
        claimed = runner.claim_due(100)
    assert {job.id for job in claimed} == ids
    [claim] = [s for s in seen if s.split()[0].upper() not in ("BEGIN", "COMMIT")]
    assert "UPDATE jobs" in claim
    session.rollback()
    rows = session.scalars(select(Job).where(Job.id.in_(ids))).all()
    assert {row.status for row in rows} == {JobStatus.RUNNING}
    assert {row.ran_by for row in rows} == {runner.runner_name()}
    assert runner.claim_due(100) == []


def test_a_claim_takes_no_more_than_its_limit_oldest_first(session: Session) -> None:
    queue_jobs(session, pending=5, orphaned=0)
    claimed = runner.claim_due(3)
    assert [job.payload["tag"] for job in claimed] == ["0", "1", "2"]


def test_runners_claiming_at_once_never_share_a_job(session: Session) -> None:
    ids = queue_jobs(session, pending=60, orphaned=20)
    taken: list[list[uuid.UUID]] = [[] for _ in range(4)]

    def claim(slot: list[uuid.UUID]) -> None:
        while batch := runner.claim_due(7):
            slot.extend(job.id for job in batch)

    threads = [threading.Thread(target=claim, args=(slot,)) for slot in taken]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    everything = [job_id for slot in taken for job_id in slot]
    assert sorted(everything) == sorted(ids)  # each once, none left


def test_a_slow_lane_does_not_hold_up_the_other_jobs_of_the_embedded_runner(session: Session) -> None:
    finished.clear()
    with writing(session) as writer:
        enqueue(writer, "tests.claims.slow", {"tag": "slow", "seconds": 4})
    embedded = EmbeddedRunner()
    embedded.start()
    try:
        deadline = time.monotonic() + 10
        while not session.scalars(select(Job).where(Job.status == JobStatus.RUNNING)).first():
            session.rollback()
            assert time.monotonic() < deadline, "the slow job never started"
            time.sleep(0.05)
        with writing(session) as writer:
            enqueue(writer, "tests.claims.noop", {"tag": "quick"})
        embedded.wake(None)
        while "quick" not in finished and time.monotonic() < deadline:
            time.sleep(0.05)
        assert finished == ["quick"]  # done while the slow one still runs
    finally:
        embedded.stop()
    assert finished == ["quick", "slow"]
