"""Distributed mode: Celery workers woken through a broker (Redis or RabbitMQ).

The broker message carries only a job id; the row in `jobs` is the truth. Each worker also sweeps the
table (`loops.Sweeper`), so a message lost by the broker delays a job but never loses it, and a broker
outage only slows jobs down: the sweep keeps running them, and workers reconnect when the broker is back.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import deque
from typing import Any

from celery import Celery
from celery.signals import worker_ready, worker_shutdown

from voxpop.kit.db import UNAVAILABLE_ERRORS
from voxpop.kit.jobs import runner
from voxpop.kit.jobs.health import serve_health
from voxpop.kit.jobs.loops import Sweeper, backoff
from voxpop.kit.logs import summary

RUN_JOB_TASK = "voxpop.run_job"
PUBLISH_TIMEOUT_SECONDS = 2.0
MAX_PENDING_WAKES = 10_000
log = logging.getLogger(__name__)


def make_celery(broker_url: str) -> Celery:
    app = Celery("voxpop", broker=broker_url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        # Ride out broker outages of any length: retry connecting for ever, keep running jobs running
        # (their rows are the record, not the message).
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        worker_cancel_long_running_tasks_on_connection_loss=False,
        # A wake-up is best effort (the sweep finds every job anyway): one quick try, never a long wait.
        task_publish_retry=False,
        broker_connection_timeout=PUBLISH_TIMEOUT_SECONDS,
    )

    @app.task(name=RUN_JOB_TASK)
    def run_job(job_id: str) -> None:
        try:
            runner.run_job(uuid.UUID(job_id))
        except (
            UNAVAILABLE_ERRORS
        ) as error:  # the row stays due: a sweep runs the job when the database is back
            log.warning("job %s not run, the database is unavailable: %s", job_id, summary(error))

    return app


class CeleryWaker:
    """Sends wake-ups to the broker from a thread of its own, so a request never waits for the broker.
    When the broker cannot be reached, the wake-ups waiting are dropped with one log line: their jobs are
    committed rows, which the workers' sweep runs anyway."""

    def __init__(self, app: Celery) -> None:
        self._app = app
        self._pending: deque[uuid.UUID] = deque(maxlen=MAX_PENDING_WAKES)
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def wake(self, job_id: uuid.UUID) -> None:
        self._pending.append(job_id)
        self._ready.set()
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._publish_forever, name="voxpop-wake", daemon=True)
                self._thread.start()

    def _publish_forever(self) -> None:
        failures = 0
        while True:
            self._ready.wait()
            self._ready.clear()
            batch = [self._pending.popleft() for _ in range(len(self._pending))]
            if not batch:
                continue
            try:
                self._publish_twice(batch)
            except Exception as error:
                failures += 1
                log.warning(
                    "broker unreachable: %d wake-up(s) dropped, the workers' sweep will run those jobs: %s",
                    len(batch),
                    summary(error),
                )
                time.sleep(backoff(failures, 0.5))
                continue
            failures = 0

    def _publish_twice(self, job_ids: list[uuid.UUID]) -> None:
        """A pooled connection the broker dropped (a restart) fails once; a second try reconnects."""
        try:
            self._publish(job_ids)
        except Exception:
            self._publish(job_ids)

    def _publish(self, job_ids: list[uuid.UUID]) -> None:
        with self._app.producer_or_acquire() as producer:
            for job_id in job_ids:
                self._app.send_task(RUN_JOB_TASK, args=[str(job_id)], producer=producer)


def run_worker(
    broker_url: str, concurrency: int, health_port: int | None = None, health_host: str = "127.0.0.1"
) -> None:
    """Run a Celery worker (thread pool) with the sweep beside it and, if asked, its health endpoint."""
    app = make_celery(broker_url)
    sweeper = Sweeper(concurrency)

    def started(**_kwargs: Any) -> None:
        sweeper.start()
        if health_port is not None:
            serve_health(health_host, health_port, sweeper.health, broker_url)

    def stopping(**_kwargs: Any) -> None:
        sweeper.stop()

    worker_ready.connect(started, weak=False)
    worker_shutdown.connect(stopping, weak=False)
    app.worker_main(["worker", "--loglevel=INFO", f"--concurrency={concurrency}", "--pool=threads"])
