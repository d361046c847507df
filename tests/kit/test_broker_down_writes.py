"""While the broker is down, writes the database has committed are acknowledged: the wake-up after the
commit is best effort (the workers' sweep runs the job), and it never holds the request."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import _served
from tests.factories import feedback, make_tenant, post
from tests.servers import own_redis
from voxpop.feedback.models import Feedback
from voxpop.ingest.models import Import
from voxpop.kit.jobs import queue
from voxpop.kit.jobs.celery_app import CeleryWaker, make_celery
from voxpop.kit.jobs.models import Job

pytestmark = pytest.mark.usefixtures("background_jobs_paused")


@contextmanager
def waking_through(broker_url: str) -> Iterator[None]:
    """The test server wakes runners through this broker (as `voxpop serve` does with BROKER_URL)."""
    queue.set_waker(CeleryWaker(make_celery(broker_url)))
    try:
        yield
    finally:
        queue.set_waker(_served["app"].state.job_runner)


@contextmanager
def stopped_redis() -> Iterator[str]:
    """The address of a Redis that was running and has stopped: connections are refused."""
    with own_redis() as redis:
        redis.stop()
        yield redis.url


@contextmanager
def silent_broker() -> Iterator[str]:
    """An address that accepts connections and never answers (a hung or black-holed broker)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(100)
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"


def test_feedback_and_uploads_are_acknowledged_while_the_broker_is_down(
    session: Session, http: httpx.Client
) -> None:
    tenant = make_tenant(session)
    record = feedback()
    files = {"file": ("march.csv", b"id,email,nps\n1,a@example.com,9\n", "text/csv")}
    with stopped_redis() as broker, waking_through(broker):
        created = post(http, tenant, "/api/v1/feedback", record)
        uploaded = http.post("/api/v1/imports", files=files, headers=tenant.headers())
    assert created.status_code == 201, created.text
    assert uploaded.status_code == 202, uploaded.text
    session.rollback()
    stored = session.scalars(select(Feedback).where(Feedback.external_id == record["external_id"])).one()
    assert stored.workspace_id == tenant.workspace_id
    assert session.get(Import, uuid.UUID(uploaded.json()["id"])) is not None
    assert session.scalars(select(Job.status)).all()  # the work waits as rows, for the sweep


def test_a_broker_that_does_not_answer_never_holds_a_write(session: Session, http: httpx.Client) -> None:
    tenant = make_tenant(session)
    with silent_broker() as broker, waking_through(broker):
        started = time.monotonic()
        replies = [post(http, tenant, "/api/v1/feedback", feedback()) for _ in range(3)]
        took = time.monotonic() - started
    assert [reply.status_code for reply in replies] == [201, 201, 201]
    assert took < 3.0, f"three writes took {took:.1f} s"
