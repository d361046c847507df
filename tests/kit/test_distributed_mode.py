"""Distributed mode: a real `voxpop worker` process (Celery) woken through a real Redis runs the jobs, and
the database stays the record: a job whose broker message never came is still run."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from sqlalchemy import select
from sqlalchemy.engine import Engine

from voxpop.ingest import service as ingest_service
from voxpop.ingest.mapping import load_mapping
from voxpop.kit.db import new_session
from voxpop.kit.jobs import enqueue
from voxpop.kit.jobs import queue as job_queue
from voxpop.kit.jobs.celery_app import CeleryWaker, make_celery
from voxpop.kit.jobs.models import Job
from voxpop.workspace import service as workspace_service

BROKER = os.environ.get("VOXPOP_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def broker() -> str:
    try:
        redis.Redis.from_url(BROKER, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable at {BROKER}: {error}")
    redis.Redis.from_url(BROKER).flushdb()
    return BROKER


def start_worker(engine: Engine, broker: str, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "VOXPOP_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "VOXPOP_BROKER_URL": broker,
        "VOXPOP_DATA_DIR": str(data_dir),
        "VOXPOP_JOB_POLL_SECONDS": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "voxpop", "worker", "--concurrency", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def queue_import(engine: Engine, tmp_path: Path, name: str) -> uuid.UUID:
    path = tmp_path / f"{name}.csv"
    path.write_text("id,email,nps\n1,a@x.com,9\n2,b@x.com,3\n")
    with new_session(engine) as session:
        workspace = workspace_service.create(session, name)
        record = ingest_service.register(session, workspace.id, path, load_mapping("feedback", None))
        job_id = enqueue(session, ingest_service.RUN_IMPORT, {"import_id": str(record.id)}).id
        session.commit()
    return job_id


def wait_for_job(engine: Engine, job_id: uuid.UUID, seconds: float = 180) -> Job:
    """Wait for the job to be done (the worker starting included: it imports the whole app, slow when the
    machine is busy)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with new_session(engine, write=False) as session:
            record = session.scalars(select(Job).where(Job.id == job_id)).one()
            if record.status == "done":
                return record
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} was not done after {seconds} s")


def assert_run_by_a_worker(engine: Engine, broker: str, tmp_path: Path, job_id: uuid.UUID) -> None:
    worker = start_worker(engine, broker, tmp_path)
    try:
        record = wait_for_job(engine, job_id)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert record.ran_by is not None and record.ran_by.endswith(f":{worker.pid}")


def test_a_worker_process_woken_through_redis_runs_the_job(
    worker_database: Engine, broker: str, tmp_path: Path
) -> None:
    job_queue.set_waker(CeleryWaker(make_celery(broker)))
    try:
        job_id = queue_import(worker_database, tmp_path, "woken")
    finally:
        job_queue.set_waker(None)
    assert_run_by_a_worker(worker_database, broker, tmp_path, job_id)


def test_a_job_whose_broker_message_was_lost_is_still_run(
    worker_database: Engine, broker: str, tmp_path: Path
) -> None:
    job_id = queue_import(worker_database, tmp_path, "unannounced")
    assert_run_by_a_worker(worker_database, broker, tmp_path, job_id)
