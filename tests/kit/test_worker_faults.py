"""Real `voxpop worker` processes ride out their servers' faults: a database outage does not end the sweep
(its health endpoint shows it failing, then well again), and a Redis outage under a busy worker does not
crash it (it reconnects and is woken through the broker again). The servers stopped here are the test's
own, never the shared ones."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.engine import Engine

from tests.kit.slow_jobs import SLEEP
from tests.servers import free_port, own_postgres, own_redis, start_worker, stop_process, wait_for
from voxpop import migrations
from voxpop.kit.db import engine_for, new_session
from voxpop.kit.jobs import enqueue
from voxpop.kit.jobs import queue as job_queue
from voxpop.kit.jobs.celery_app import CeleryWaker, make_celery
from voxpop.kit.jobs.models import Job

STARTUP_SECONDS = 180  # a worker imports the whole app (and torch): slow on a busy machine


def health(port: int) -> tuple[int, dict[str, Any]]:
    try:
        reply = httpx.get(f"http://127.0.0.1:{port}/health", timeout=5)
    except httpx.HTTPError:
        return 0, {}
    return reply.status_code, reply.json()


def wait_for_health(port: int, status: int, seconds: float) -> dict[str, Any]:
    wait_for(lambda: health(port)[0] == status, seconds, f"health answering {status}")
    return health(port)[1]


def queue_sleep(engine: Engine, seconds: float) -> uuid.UUID:
    with new_session(engine) as session:
        job_id = enqueue(session, SLEEP, {"seconds": seconds}).id
        session.commit()
    return job_id


def job_state(engine: Engine, job_id: uuid.UUID) -> str:
    with new_session(engine, write=False) as session:
        return session.scalars(select(Job.status).where(Job.id == job_id)).one()


def worker_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_a_workers_sweep_outlives_a_database_outage_and_its_health_endpoint_shows_it(tmp_path: Path) -> None:
    with own_postgres() as postgres, own_redis() as broker:
        url = postgres.create_database("voxpop")
        migrations.upgrade(url)
        engine = engine_for(url)
        port = free_port()
        log = tmp_path / "worker.log"
        worker = start_worker(url, broker.url, tmp_path, "--health-port", str(port), log=log)
        try:
            assert wait_for_health(port, 200, STARTUP_SECONDS)["sweep"]["state"] == "ok"
            postgres.stop()
            failing = wait_for_health(port, 503, 30)
            assert failing["sweep"]["state"] == "failing" and failing["sweep"]["failures_in_a_row"] >= 1
            time.sleep(4)  # a few more failed rounds
            postgres.start()
            assert wait_for_health(port, 200, 60)["sweep"]["failures_in_a_row"] == 0
            lost = queue_sleep(engine, 0.1)  # never announced to the broker: only the sweep can find it
            wait_for(lambda: job_state(engine, lost) == "done", 30, "the sweep running the job")
            assert worker.poll() is None
        finally:
            stop_process(worker)
            engine.dispose()
    text = log.read_text(errors="replace")
    failures = [line for line in text.splitlines() if "job sweep failed" in line]
    assert len(failures) >= 2
    assert "Traceback" not in text


def test_a_busy_worker_rides_out_a_redis_outage_and_is_woken_through_it_again(
    worker_database: Engine, tmp_path: Path
) -> None:
    port = free_port()
    with own_redis() as broker:
        log = tmp_path / "worker.log"
        url = worker_url(worker_database)
        # a sweep every 15 minutes: only the broker can bring the worker its jobs during the test
        slow_sweep = {"VOXPOP_JOB_POLL_SECONDS": "900"}
        worker = start_worker(url, broker.url, tmp_path, "--health-port", str(port), log=log, env=slow_sweep)
        job_queue.set_waker(CeleryWaker(make_celery(broker.url)))
        try:
            wait_for_health(port, 200, STARTUP_SECONDS)
            busy = queue_sleep(worker_database, 6)
            wait_for(lambda: job_state(worker_database, busy) == "running", 30, "the job starting")
            broker.stop()
            wait_for(lambda: job_state(worker_database, busy) == "done", 30, "the busy job finishing")
            time.sleep(3)
            assert worker.poll() is None, log.read_text(errors="replace")[-3000:]
            broker.start()
            woken = queue_sleep(worker_database, 0.1)
            wait_for(lambda: job_state(worker_database, woken) == "done", 60, "a job woken through Redis")
            assert worker.poll() is None
        finally:
            job_queue.set_waker(None)
            stop_process(worker)
    assert "Unrecoverable error" not in log.read_text(errors="replace")


def test_a_worker_started_while_the_database_is_down_waits_for_it(tmp_path: Path) -> None:
    with own_postgres() as postgres, own_redis() as broker:
        url = postgres.create_database("voxpop")
        migrations.upgrade(url)
        engine_for(url).dispose()
        postgres.stop()
        port = free_port()
        log = tmp_path / "worker.log"
        worker = start_worker(url, broker.url, tmp_path, "--health-port", str(port), log=log)
        try:
            waiting = "checking the database schema failed"
            wait_for(lambda: log.read_text(errors="replace").count(waiting) >= 2, STARTUP_SECONDS, "waiting")
            assert worker.poll() is None
            postgres.start()
            assert wait_for_health(port, 200, 90)["sweep"]["state"] == "ok"
        finally:
            stop_process(worker)
            engine_for(url).dispose()
