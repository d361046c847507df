"""Distributed mode: Celery workers woken through a broker (Redis or RabbitMQ).

The broker message carries only a job id; the row in `jobs` is the truth. Each worker also sweeps the
table every few seconds, so a message lost by the broker delays a job but never loses it.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from celery import Celery
from celery.signals import worker_ready

from voxpop.kit.jobs import runner
from voxpop.kit.settings import get_settings

RUN_JOB_TASK = "voxpop.run_job"


def make_celery(broker_url: str) -> Celery:
    app = Celery("voxpop", broker=broker_url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        task_ignore_result=True,
    )

    @app.task(name=RUN_JOB_TASK)
    def run_job(job_id: str) -> None:
        runner.run_job(uuid.UUID(job_id))

    return app


class CeleryWaker:
    def __init__(self, app: Celery) -> None:
        self._app = app

    def wake(self, job_id: uuid.UUID) -> None:
        self._app.send_task(RUN_JOB_TASK, args=[str(job_id)])


def _sweep_forever(stop: threading.Event) -> None:
    interval = max(1.0, get_settings().job_poll_seconds)
    while not stop.wait(interval):
        runner.run_due_jobs()


@worker_ready.connect
def _start_sweeper(**_kwargs: Any) -> None:
    threading.Thread(target=_sweep_forever, args=(threading.Event(),), daemon=True).start()
