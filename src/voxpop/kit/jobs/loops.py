"""The threads that look for due jobs: the embedded runner's lanes (inside `voxpop serve`) and a worker's
sweep (inside `voxpop worker`).

Each runs a loop that survives any error: a failure (the database down, say) is logged as one line and
retried with a growing wait, and the loop's health (last success, failures in a row) is kept for the
health endpoints, so an operator sees a loop that fails instead of one that silently ended.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from voxpop.kit.db import UNAVAILABLE_ERRORS
from voxpop.kit.jobs import runner
from voxpop.kit.logs import summary
from voxpop.kit.settings import get_settings

log = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 30.0


@dataclass
class LoopHealth:
    """What a loop last did, for health checks: read by other threads, written by the loop only."""

    name: str
    started_at: float = 0.0
    last_round_at: float = 0.0
    last_success_at: float = 0.0
    failures: int = 0
    last_error: str | None = None
    thread: threading.Thread | None = None

    def state(self, stall_seconds: float) -> str:
        """`ok`, `failing` (it runs but its rounds fail), `stalled` (no round for too long) or `dead`."""
        if self.thread is None or not self.thread.is_alive():
            return "dead"
        if self.failures:
            return "failing"
        if time.monotonic() - self.last_round_at > stall_seconds:
            return "stalled"
        return "ok"

    def report(self, stall_seconds: float) -> dict[str, Any]:
        return {
            "state": self.state(stall_seconds),
            "last_success": _wall_time(self.last_success_at),
            "failures_in_a_row": self.failures,
            "last_error": self.last_error,
        }


def _wall_time(monotonic: float) -> str | None:
    if not monotonic:
        return None
    return datetime.fromtimestamp(time.time() - (time.monotonic() - monotonic), UTC).isoformat()


def backoff(failures: int, interval: float) -> float:
    return float(min(MAX_BACKOFF_SECONDS, interval * 2 ** min(failures, 10)))


def resilient_loop(
    health: LoopHealth, step: Callable[[], bool], wait: Callable[[float], None], stop: threading.Event
) -> None:
    """Call `step` until `stop` is set; `step` returns whether to go again at once (more work may be due).
    Any error is logged as one line and retried after a growing wait."""
    interval = get_settings().job_poll_seconds
    health.started_at = health.last_round_at = time.monotonic()
    while not stop.is_set():
        try:
            again = step()
        except Exception as error:
            health.failures += 1
            health.last_error, health.last_round_at = summary(error), time.monotonic()
            delay = backoff(health.failures, interval)
            log.warning(
                "%s failed (%d in a row; next try in %.1f s): %s",
                health.name,
                health.failures,
                delay,
                health.last_error,
            )
            wait(delay)
            continue
        if health.failures:
            log.warning("%s works again after %d failed rounds", health.name, health.failures)
        health.failures, health.last_error = 0, None
        health.last_round_at = health.last_success_at = time.monotonic()
        if not again:
            wait(interval)


def retry_until_done(what: str, func: Callable[[], object]) -> None:
    """Call `func` until it no longer fails for want of the database, logging one line per failure and
    waiting longer each time: a process started while the database is down waits for it instead of exiting
    (any other error is raised)."""
    failures = 0
    while True:
        try:
            func()
            return
        except UNAVAILABLE_ERRORS as error:
            failures += 1
            delay = backoff(failures, 1.0)
            log.warning(
                "%s failed (%d in a row; next try in %.1f s): %s", what, failures, delay, summary(error)
            )
            time.sleep(delay)


class _Signal:
    """A wake-up that a sleeping loop can wait on, and that stopping sets for good."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.stop = threading.Event()

    def wait(self, seconds: float) -> None:
        self.event.wait(seconds)
        self.event.clear()


class EmbeddedRunner:
    """Runs jobs on threads inside the server process: the default, needing no other service. One thread
    per lane (see `job(lane=…)`), so deliveries waiting on slow receivers never hold up imports or analysis."""

    def __init__(self) -> None:
        self._signals: dict[str, _Signal] = {}
        self._threads: list[threading.Thread] = []
        self.health: dict[str, LoopHealth] = {}

    def wake(self, job_id: object) -> None:
        for signal in self._signals.values():
            signal.event.set()

    def start(self) -> None:
        self._threads = []
        for lane, jobs in runner.lane_filters().items():
            signal = self._signals[lane] = _Signal()
            health = self.health[lane] = LoopHealth(f"job runner ({lane} lane)")
            step = lambda jobs=jobs: runner.run_due_jobs(jobs, limit=10) > 0  # noqa: E731
            thread = threading.Thread(
                target=resilient_loop,
                args=(health, step, signal.wait, signal.stop),
                name=f"voxpop-jobs-{lane}",
                daemon=True,
            )
            health.thread = thread
            self._threads.append(thread)
            thread.start()

    def stop(self) -> None:
        for signal in self._signals.values():
            signal.stop.set()
            signal.event.set()
        for thread in self._threads:
            thread.join(timeout=30)


class Sweeper:
    """A worker's sweep of the jobs table: it claims due jobs in batches, as many as it has idle threads,
    and runs them on its own pool. It finds jobs whose broker message was lost and jobs whose runner died
    (after their lease), so a lost message or a killed worker delays a job but never loses it."""

    def __init__(self, threads: int) -> None:
        self._threads = threads
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="voxpop-sweep")
        self._busy = 0
        self._lock = threading.Lock()
        self._signal = _Signal()
        self.health = LoopHealth("job sweep")

    def start(self) -> None:
        thread = threading.Thread(
            target=resilient_loop,
            args=(self.health, self._step, self._signal.wait, self._signal.stop),
            name="voxpop-sweep",
            daemon=True,
        )
        self.health.thread = thread
        thread.start()

    def stop(self) -> None:
        self._signal.stop.set()
        self._signal.event.set()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _step(self) -> bool:
        with self._lock:
            idle = self._threads - self._busy
        claimed = runner.claim_due(idle)
        with self._lock:
            self._busy += len(claimed)
        for job in claimed:
            self._pool.submit(self._run, job)
        return False

    def _run(self, job: runner.Claimed) -> None:
        try:
            runner.execute(job)
        except Exception as error:  # recording the outcome failed: the lease brings the job back later
            log.warning("job %s (%s) could not be recorded: %s", job.id, job.name, summary(error))
        finally:
            with self._lock:
                self._busy -= 1
            self._signal.event.set()  # a thread is free: look for more at once
