"""Background jobs: the jobs table is the record; work is seen only once committed, and survives crashes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import writing
from voxpop.kit import clock
from voxpop.kit.jobs import JobContext, enqueue, register, runner
from voxpop.kit.jobs import queue as job_queue
from voxpop.kit.jobs.models import Job, JobStatus

calls: list[dict[str, Any]] = []
pytestmark = pytest.mark.usefixtures("background_jobs_paused")


def record_call(ctx: JobContext, payload: dict[str, Any]) -> None:
    calls.append(payload)
    if payload.get("fail_times", 0) > len([c for c in calls if c == payload]) - 1:
        raise RuntimeError("failing on purpose")


register("tests.record_call", record_call)


class Wakes:
    def __init__(self) -> None:
        self.job_ids: list[Any] = []

    def wake(self, job_id: Any) -> None:
        self.job_ids.append(job_id)


def status_of(session: Session, job_id: Any) -> Job:
    session.rollback()
    return session.scalars(select(Job).where(Job.id == job_id)).one()


def test_a_job_wakes_a_runner_only_after_its_transaction_commits(session: Session) -> None:
    wakes = Wakes()
    job_queue.set_waker(wakes)
    try:
        with writing(session) as writer:
            rolled_back = enqueue(writer, "tests.record_call", {"n": 1}).id
            writer.rollback()
            committed = enqueue(writer, "tests.record_call", {"n": 2}).id
            assert wakes.job_ids == []
        assert wakes.job_ids == [committed]
    finally:
        job_queue.set_waker(None)
    session.rollback()
    assert session.scalars(select(Job.id).where(Job.id == rolled_back)).first() is None


def test_a_pending_job_runs_once_and_is_marked_done(session: Session) -> None:
    calls.clear()
    with writing(session) as writer:
        job_id = enqueue(writer, "tests.record_call", {"n": 3}).id
    assert runner.run_job(job_id) is True
    assert runner.run_job(job_id) is False
    assert calls == [{"n": 3}]
    assert status_of(session, job_id).status == JobStatus.DONE


def test_a_failing_job_is_retried_later_with_backoff_then_succeeds(session: Session) -> None:
    calls.clear()
    with writing(session) as writer:
        job_id = enqueue(writer, "tests.record_call", {"fail_times": 1}).id
    runner.run_job(job_id)
    failed_once = status_of(session, job_id)
    assert failed_once.status == JobStatus.PENDING and "failing on purpose" in (failed_once.error or "")
    assert failed_once.run_after > clock.now()
    assert job_id not in runner.due_job_ids()
    clock.set_clock(lambda: datetime.now(UTC) + timedelta(hours=1))
    assert job_id in runner.due_job_ids()
    runner.run_job(job_id)
    assert status_of(session, job_id).status == JobStatus.DONE


def test_a_job_whose_runner_died_is_picked_up_again_after_its_lease(session: Session) -> None:
    with writing(session) as writer:
        record = enqueue(writer, "tests.record_call", {"n": 4})
        record.status, record.locked_at, record.attempts = JobStatus.RUNNING, clock.now(), 1
    assert record.id not in runner.due_job_ids()
    clock.set_clock(lambda: datetime.now(UTC) + timedelta(minutes=10))
    assert record.id in runner.due_job_ids()
    assert runner.run_job(record.id) is True
    assert status_of(session, record.id).status == JobStatus.DONE


def test_a_job_that_keeps_failing_ends_as_failed_with_its_error(session: Session) -> None:
    with writing(session) as writer:
        job_id = enqueue(writer, "tests.record_call", {"fail_times": 99}).id
    for hours in range(1, 10):
        clock.set_clock(lambda hours=hours: datetime.now(UTC) + timedelta(hours=hours))
        runner.run_job(job_id)
    final = status_of(session, job_id)
    assert final.status == JobStatus.FAILED and final.attempts == 5
