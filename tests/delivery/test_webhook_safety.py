"""Webhooks cannot be turned against the server's own network, and a slow receiver cannot hold a runner:
internal addresses (in any spelling, or behind a name) are refused when an endpoint is saved and again at
each attempt; redirects are not followed; only the status line of a failed answer is kept; and one attempt
ends at `WEBHOOK_TIMEOUT_SECONDS`, however its receiver trickles its answer."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from tests.delivery.factories import http_receiver, run_jobs, settings
from tests.factories import Tenant, make_tenant, post, writing
from voxpop.delivery import service
from voxpop.delivery.models import WebhookEndpoint
from voxpop.kit.jobs import queue

pytestmark = pytest.mark.usefixtures("background_jobs_paused")


@pytest.fixture
def no_hosts_allowed() -> Iterator[None]:
    """The default: no internal address is allowed (tests/conftest.py allows the receivers' 127.0.0.1)."""
    with settings(webhook_allowed_hosts="[]"):
        yield


def log(http: httpx.Client, tenant: Tenant, endpoint_id: str) -> list[dict[str, Any]]:
    reply = http.get(f"/api/v1/webhooks/{endpoint_id}/deliveries", headers=tenant.headers())
    assert reply.status_code == 200, reply.text
    return list(reply.json())


def deliver_once(session: Session, http: httpx.Client, tenant: Tenant, url: str) -> dict[str, Any]:
    """Save an endpoint at `url`, send it one event, make the first attempt; the delivery's log entry."""
    created = post(http, tenant, "/api/v1/webhooks", {"url": url})
    assert created.status_code == 201, created.text
    with writing(session) as writer:
        service.queue_webhook(writer, tenant.workspace_id, "case.opened", {"case": 1})
    run_jobs()
    [entry] = log(http, tenant, created.json()["id"])
    return entry


@pytest.mark.usefixtures("no_hosts_allowed")
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://LOCALHOST./hook",
        "http://[::1]:8000/hook",
        "http://2130706433/hook",
        "http://0x7f000001/hook",
        "http://127.1/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://10.1.2.3/hook",
        "http://172.16.0.1/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://100.64.0.1/hook",
        "http://[fd00::1]/hook",
        "http://[fe80::1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_an_endpoint_at_an_internal_address_is_refused(
    session: Session, http: httpx.Client, url: str
) -> None:
    tenant = make_tenant(session)
    reply = post(http, tenant, "/api/v1/webhooks", {"url": url})
    assert reply.status_code == 422, reply.text
    [problem] = reply.json()["error"]["problems"]
    assert problem["field"] == "url" and "internal address" in problem["reason"]
    assert http.get("/api/v1/webhooks", headers=tenant.headers()).json() == []


def test_an_allowed_host_may_be_internal(session: Session, http: httpx.Client) -> None:
    tenant = make_tenant(session)
    with http_receiver() as receiver:
        entry = deliver_once(session, http, tenant, receiver.url)
    assert entry["status"] == "sent" and len(receiver.received) == 1


def test_an_internal_address_is_refused_again_at_send_time(session: Session, http: httpx.Client) -> None:
    """An endpoint saved while its host was allowed (or whose name resolved elsewhere then) gets nothing
    once the address it reaches is internal and not allowed."""
    tenant = make_tenant(session)
    with http_receiver() as receiver:
        created = post(http, tenant, "/api/v1/webhooks", {"url": receiver.url})
        assert created.status_code == 201
        with settings(webhook_allowed_hosts="[]"):
            with writing(session) as writer:
                service.queue_webhook(writer, tenant.workspace_id, "case.opened", {"case": 1})
            run_jobs()
    [entry] = log(http, tenant, created.json()["id"])
    assert receiver.received == []
    assert entry["status"] == "queued" and "internal address" in entry["attempt_log"][0]["error"]


@pytest.mark.usefixtures("no_hosts_allowed")
def test_an_endpoint_saved_before_the_check_cannot_reach_an_internal_address(
    session: Session, http: httpx.Client
) -> None:
    tenant = make_tenant(session)
    created = post(http, tenant, "/api/v1/webhooks", {"url": "https://example.com/hook"})
    assert created.status_code == 201
    with http_receiver() as receiver:
        with writing(session) as writer:
            writer.execute(
                update(WebhookEndpoint)
                .where(WebhookEndpoint.id == uuid.UUID(created.json()["id"]))
                .values(url=receiver.url.replace("127.0.0.1", "2130706433"))
            )
            service.queue_webhook(writer, tenant.workspace_id, "case.opened", {"case": 1})
        run_jobs()
    [entry] = log(http, tenant, created.json()["id"])
    assert receiver.received == [] and "internal address" in entry["attempt_log"][0]["error"]


def test_a_redirect_is_not_followed(session: Session, http: httpx.Client) -> None:
    tenant = make_tenant(session)
    with http_receiver() as inside, http_receiver(302) as outside:
        outside.location = inside.url
        entry = deliver_once(session, http, tenant, outside.url)
    assert inside.received == [] and len(outside.received) == 1
    assert entry["status"] == "queued" and entry["attempt_log"][0]["status_code"] == 302


def test_a_failed_answer_keeps_only_its_status_line(session: Session, http: httpx.Client) -> None:
    tenant = make_tenant(session)
    with http_receiver(500) as receiver:
        receiver.body = b'{"internal": "db password is hunter2"}'
        entry = deliver_once(session, http, tenant, receiver.url)
    assert entry["last_error"] == "HTTP 500 Internal Server Error"
    assert entry["attempt_log"][0]["error"] == "HTTP 500 Internal Server Error"


def test_a_receiver_trickling_its_answer_is_cut_off_at_the_deadline(
    session: Session, http: httpx.Client
) -> None:
    tenant = make_tenant(session)
    with settings(webhook_timeout_seconds=1), http_receiver("trickle") as receiver:
        receiver.stall_seconds = 8
        started = time.monotonic()
        entry = deliver_once(session, http, tenant, receiver.url)
        took = time.monotonic() - started
    [attempt] = entry["attempt_log"]
    assert attempt["error"] == "no answer within 1 s" and attempt["duration_ms"] < 2000
    assert took < 5, f"the attempt held its runner for {took:.1f} s"


def test_deliveries_run_on_a_lane_of_their_own() -> None:
    assert queue.lanes()["delivery"] == {"delivery.attempt"}
    assert "delivery.attempt" not in queue.lanes()[queue.DEFAULT_LANE]
