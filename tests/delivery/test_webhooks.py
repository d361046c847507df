"""Webhooks reach a real HTTP receiver on 127.0.0.1, signed per Standard Webhooks, retried with backoff
through failures and timeouts, given up into a dead-letter list that can be replayed; the delivery id never
changes, so the receiver can drop repeats."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.delivery.factories import Clock, dead_letter, http_receiver, run_jobs, settings
from tests.factories import Tenant, make_tenant, post, writing
from voxpop.delivery import service
from voxpop.delivery.schemas import EndpointIn
from voxpop.kit.errors import Invalid

pytestmark = pytest.mark.usefixtures("background_jobs_paused")
Verify = Callable[..., bool]


@pytest.fixture
def verify(repo_root: Path) -> Verify:
    """The verification snippet of docs/webhooks.md, exactly as a receiver would copy it."""
    text = (repo_root / "docs/webhooks.md").read_text()
    snippet = re.search(r"## Verifying a request.*?```python\n(.*?)```", text, re.S)
    assert snippet is not None
    namespace: dict[str, Any] = {}
    exec(snippet.group(1), namespace)
    return namespace["verify"]  # type: ignore[no-any-return]


def add_endpoint(http: httpx.Client, tenant: Tenant, url: str, **fields: Any) -> dict[str, Any]:
    reply = post(http, tenant, "/api/v1/webhooks", {"url": url, **fields})
    assert reply.status_code == 201, reply.text
    return dict(reply.json())


def emit(
    session: Session, tenant: Tenant, event_type: str = "case.opened", **payload: Any
) -> list[uuid.UUID]:
    with writing(session) as writer:
        return service.queue_webhook(writer, tenant.workspace_id, event_type, payload or {"case": 1})


def log(http: httpx.Client, tenant: Tenant, endpoint_id: str) -> list[dict[str, Any]]:
    reply = http.get(f"/api/v1/webhooks/{endpoint_id}/deliveries", headers=tenant.headers())
    assert reply.status_code == 200, reply.text
    return list(reply.json())


def test_a_new_endpoint_shows_its_secret_once(session: Session, http: httpx.Client) -> None:
    tenant = make_tenant(session)
    created = add_endpoint(http, tenant, "https://example.com/hook", event_types=["case.*"])
    assert re.fullmatch(r"whsec_[A-Za-z0-9+/]{32}", created["secret"])
    listed = http.get("/api/v1/webhooks", headers=tenant.headers()).json()
    assert [e["id"] for e in listed] == [created["id"]] and "secret" not in listed[0]
    one = http.get(f"/api/v1/webhooks/{created['id']}", headers=tenant.headers()).json()
    assert one["event_types"] == ["case.*"] and "secret" not in one


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://example.com/x"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"url": "https://example.com", "format": "discord"}, "format"),
        ({"url": "https://example.com", "event_types": ["Case Opened"]}, "event_types[0]"),
        ({"url": "https://example.com", "colour": "red"}, "colour"),
    ],
)
def test_a_bad_endpoint_is_refused_naming_the_field(
    session: Session, http: httpx.Client, body: dict[str, Any], field: str
) -> None:
    tenant = make_tenant(session)
    reply = post(http, tenant, "/api/v1/webhooks", body)
    assert reply.status_code == 422
    assert field in json.dumps(reply.json())
    assert http.get("/api/v1/webhooks", headers=tenant.headers()).json() == []


def test_events_fan_out_to_the_subscribed_active_endpoints_only(session: Session, http: httpx.Client) -> None:
    tenant = make_tenant(session)
    every = add_endpoint(http, tenant, "https://example.com/all")
    cases = add_endpoint(http, tenant, "https://example.com/cases", event_types=["case.*"])
    alerts = add_endpoint(http, tenant, "https://example.com/alerts", event_types=["alert.fired"])
    off = add_endpoint(http, tenant, "https://example.com/off")
    assert post(http, tenant, f"/api/v1/webhooks/{off['id']}/disable", {}).status_code == 200
    assert len(emit(session, tenant, "case.opened")) == 2
    assert len(emit(session, tenant, "alert.fired")) == 2
    assert len(emit(session, tenant, "survey.answered")) == 1
    counts = {e["id"]: len(log(http, tenant, e["id"])) for e in (every, cases, alerts, off)}
    assert counts == {every["id"]: 3, cases["id"]: 1, alerts["id"]: 1, off["id"]: 0}


def test_the_receiver_verifies_the_signature_with_the_documented_snippet(
    session: Session, http: httpx.Client, verify: Verify
) -> None:
    tenant = make_tenant(session)
    with http_receiver() as receiver:
        endpoint = add_endpoint(http, tenant, receiver.url)
        [delivery_id] = emit(session, tenant, "case.opened", case_id="c-1", score=3)
        run_jobs()
    [request] = receiver.received
    assert request.headers["webhook-id"] == str(delivery_id)
    assert request.headers["content-type"] == "application/json"
    assert verify(endpoint["secret"], request.headers, request.body)
    assert not verify(endpoint["secret"], request.headers, request.body + b" ")
    assert not verify("whsec_" + "A" * 32, request.headers, request.body)
    stale = int(request.headers["webhook-timestamp"]) + 301
    assert not verify(endpoint["secret"], request.headers, request.body, now=stale)
    body = json.loads(request.body)
    assert body["type"] == "case.opened" and body["data"] == {"case_id": "c-1", "score": 3}


def follow(
    http: httpx.Client, tenant: Tenant, endpoint_id: str, clock: Clock
) -> tuple[dict[str, Any], list[float]]:
    """Run the endpoint's one delivery to its end, moving the clock to each retry; the waits between tries."""
    waits: list[float] = []
    for _ in range(20):
        run_jobs()
        [entry] = log(http, tenant, endpoint_id)
        if entry["status"] != "queued":
            return entry, waits
        waits.append(_seconds_between(entry["attempt_log"][-1]["attempted_at"], entry["next_attempt_at"]))
        clock.advance(waits[-1])
    raise AssertionError("the delivery never finished")


def _seconds_between(earlier: str, later: str) -> float:
    return (datetime.fromisoformat(later) - datetime.fromisoformat(earlier)).total_seconds()


def test_failures_and_a_timeout_are_retried_with_growing_jittered_waits_under_one_delivery_id(
    session: Session, http: httpx.Client, verify: Verify
) -> None:
    clock = Clock()
    tenant = make_tenant(session)
    with (
        settings(webhook_timeout_seconds=0.5, delivery_retry_base_seconds=10),
        http_receiver(500, 500, "stall") as receiver,
    ):
        receiver.stall_seconds = 1.5
        endpoint = add_endpoint(http, tenant, receiver.url)
        [delivery_id] = emit(session, tenant)
        entry, waits = follow(http, tenant, endpoint["id"], clock)
    assert entry["status"] == "sent"
    assert [a["status_code"] for a in entry["attempt_log"]] == [500, 500, None, 200]
    assert "no answer within 0.5 s" in entry["attempt_log"][2]["error"]
    assert len(waits) == 3 and all(0 <= wait <= 10 * 2**n for n, wait in enumerate(waits)), waits
    assert {r.headers["webhook-id"] for r in receiver.received} == {str(delivery_id)}
    assert len({r.body for r in receiver.received}) == 1, "every retry sends the same body"
    now = clock.now.timestamp()
    assert all(verify(endpoint["secret"], r.headers, r.body, now=now) for r in receiver.received)


def test_waits_never_exceed_the_maximum(session: Session, http: httpx.Client) -> None:
    clock = Clock()
    tenant = make_tenant(session)
    with (
        settings(delivery_retry_base_seconds=10, delivery_retry_max_seconds=30),
        http_receiver(*[503] * 8) as receiver,
    ):
        endpoint = add_endpoint(http, tenant, receiver.url)
        emit(session, tenant)
        entry, waits = follow(http, tenant, endpoint["id"], clock)
    assert entry["status"] == "sent" and len(entry["attempt_log"]) == 9
    assert len(waits) == 8 and max(waits) <= 30, waits


def test_a_receiver_down_past_the_give_up_time_lands_in_the_dead_letters_and_a_replay_delivers_it(
    session: Session, http: httpx.Client
) -> None:
    clock = Clock()
    tenant = make_tenant(session)
    with settings(delivery_give_up_seconds=600, delivery_retry_base_seconds=60):
        with http_receiver() as gone:
            url = gone.url
        endpoint = add_endpoint(http, tenant, url)
        [delivery_id] = emit(session, tenant)
        for _ in range(50):
            run_jobs()
            clock.advance(60)
    dead = http.get("/api/v1/deliveries", params={"status": "failed"}, headers=tenant.headers()).json()
    assert [d["id"] for d in dead] == [str(delivery_id)]
    assert dead[0]["last_error"] and all(a["status_code"] is None for a in dead[0]["attempt_log"])
    assert _seconds_between(dead[0]["queued_at"], dead[0]["finished_at"]) >= 600
    with http_receiver() as back:
        port = back.url.rsplit(":", 1)[1]
        _move_endpoint(session, uuid.UUID(endpoint["id"]), url.rsplit(":", 1)[0] + ":" + port)
        replayed = post(http, tenant, f"/api/v1/deliveries/{delivery_id}/replay", {})
        assert replayed.status_code == 202 and replayed.json()["status"] == "queued"
        again = post(http, tenant, f"/api/v1/deliveries/{delivery_id}/replay", {})
        assert again.status_code == 409 and "only failed deliveries" in again.json()["error"]["message"]
        run_jobs()
    assert [r.headers["webhook-id"] for r in back.received] == [str(delivery_id)]
    assert log(http, tenant, endpoint["id"])[0]["status"] == "sent"


def _move_endpoint(session: Session, endpoint_id: uuid.UUID, url: str) -> None:
    """The receiver came back on another port (the test cannot reuse the old one reliably)."""
    from voxpop.delivery.models import WebhookEndpoint

    with writing(session) as writer:
        endpoint = writer.get(WebhookEndpoint, endpoint_id)
        assert endpoint is not None
        endpoint.url = url


def test_a_disabled_endpoint_stops_its_queued_deliveries_into_the_dead_letters(
    session: Session, http: httpx.Client
) -> None:
    tenant = make_tenant(session)
    with http_receiver() as receiver:
        endpoint = add_endpoint(http, tenant, receiver.url)
        [delivery_id] = emit(session, tenant)
        post(http, tenant, f"/api/v1/webhooks/{endpoint['id']}/disable", {})
        run_jobs()
        assert receiver.received == []
        [entry] = log(http, tenant, endpoint["id"])
        assert entry["status"] == "failed" and entry["last_error"] == "the endpoint is disabled"
        refused = post(http, tenant, f"/api/v1/deliveries/{delivery_id}/replay", {})
        assert refused.status_code == 409 and "enable it" in refused.json()["error"]["message"]
        post(http, tenant, f"/api/v1/webhooks/{endpoint['id']}/enable", {})
        assert post(http, tenant, f"/api/v1/deliveries/{delivery_id}/replay", {}).status_code == 202
        run_jobs()
    assert len(receiver.received) == 1


def test_slack_and_teams_endpoints_get_messages_in_their_own_formats(
    session: Session, http: httpx.Client
) -> None:
    tenant = make_tenant(session)
    with http_receiver() as receiver:
        add_endpoint(http, tenant, receiver.url + "/slack", format="slack")
        add_endpoint(http, tenant, receiver.url + "/teams", format="teams")
        emit(session, tenant, "alert.fired", title="Detractor alert", text="NPS 2 from ann@example.com")
        run_jobs()
    bodies = {r.path.rsplit("/", 1)[1]: json.loads(r.body) for r in receiver.received}
    assert bodies["slack"] == {"text": "*Detractor alert*\nNPS 2 from ann@example.com"}
    [attachment] = bodies["teams"]["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    texts = [block["text"] for block in attachment["content"]["body"]]
    assert texts == ["Detractor alert", "NPS 2 from ann@example.com"]


def test_a_job_rerun_after_a_crash_does_not_send_twice_once_its_attempt_is_recorded(
    session: Session, http: httpx.Client
) -> None:
    from voxpop.kit.jobs.models import Job, JobStatus

    tenant = make_tenant(session)
    with http_receiver() as receiver:
        add_endpoint(http, tenant, receiver.url)
        emit(session, tenant)
        run_jobs()
        with writing(session) as writer:  # the runner died after the attempt, before marking its job done
            for job in writer.query(Job).filter(Job.name == "delivery.attempt"):
                job.status, job.locked_at = JobStatus.PENDING, None
        run_jobs()
    assert len(receiver.received) == 1


def test_another_workspace_cannot_see_or_touch_your_endpoints_or_deliveries(
    session: Session, http: httpx.Client
) -> None:
    mine, theirs = make_tenant(session), make_tenant(session)
    endpoint = add_endpoint(http, mine, "https://example.com/hook")
    [delivery_id] = emit(session, mine)
    assert http.get("/api/v1/webhooks", headers=theirs.headers()).json() == []
    assert http.get("/api/v1/deliveries", headers=theirs.headers()).json() == []
    for path in (
        f"/api/v1/webhooks/{endpoint['id']}",
        f"/api/v1/webhooks/{endpoint['id']}/deliveries",
        f"/api/v1/deliveries/{delivery_id}",
    ):
        assert http.get(path, headers=theirs.headers()).status_code == 404, path
    for path in (f"/api/v1/webhooks/{endpoint['id']}/disable", f"/api/v1/deliveries/{delivery_id}/replay"):
        assert post(http, theirs, path, {}).status_code == 404, path
    assert (
        http.get(f"/api/v1/webhooks/{endpoint['id']}", headers=mine.headers()).json()["disabled_at"] is None
    )
    with writing(session) as writer:
        assert service.queue_webhook(writer, theirs.workspace_id, "case.opened", {}) == []


@pytest.mark.parametrize("role", ["analyst", "agent", "viewer"])
def test_only_admins_manage_webhooks_and_read_delivery_logs(
    session: Session, http: httpx.Client, role: str
) -> None:
    admin = make_tenant(session)
    endpoint = add_endpoint(http, admin, "https://example.com/hook")
    from tests.factories import make_key

    other = Tenant(admin.workspace_id, admin.name, make_key(session, admin.workspace_id, role))
    assert post(http, other, "/api/v1/webhooks", {"url": "https://example.com/x"}).status_code == 403
    assert http.get("/api/v1/webhooks", headers=other.headers()).status_code == 403
    assert http.get("/api/v1/deliveries", headers=other.headers()).status_code == 403
    assert post(http, other, f"/api/v1/webhooks/{endpoint['id']}/disable", {}).status_code == 403


@pytest.mark.parametrize("event_type", ["", "Case Opened", "case.*", "x" * 101])
def test_a_bad_event_type_is_refused_and_nothing_is_queued(session: Session, event_type: str) -> None:
    tenant = make_tenant(session)
    with pytest.raises(Invalid) as refused, writing(session) as writer:
        service.create_endpoint(writer, tenant.workspace_id, EndpointIn(url="https://example.com/h"))
        service.queue_webhook(writer, tenant.workspace_id, event_type, {})
    assert refused.value.problems[0].field == "event_type"


def test_the_dead_letter_list_is_replayed_at_once_except_for_disabled_endpoints(
    session: Session, http: httpx.Client
) -> None:
    tenant = make_tenant(session)
    with http_receiver() as receiver:
        live = add_endpoint(http, tenant, receiver.url + "/live")
        off = add_endpoint(http, tenant, receiver.url + "/off")
        replayable = {dead_letter(session, tenant.workspace_id, uuid.UUID(live["id"])) for _ in range(2)}
        kept = dead_letter(session, tenant.workspace_id, uuid.UUID(off["id"]))
        post(http, tenant, f"/api/v1/webhooks/{off['id']}/disable", {})
        reply = post(http, tenant, "/api/v1/deliveries/replay", {})
        assert reply.status_code == 202 and set(map(uuid.UUID, reply.json()["replayed"])) == replayable
        run_jobs()
    assert {r.headers["webhook-id"] for r in receiver.received} == {str(i) for i in replayable}
    dead = http.get("/api/v1/deliveries", params={"status": "failed"}, headers=tenant.headers()).json()
    assert [d["id"] for d in dead] == [str(kept)]
    audit = http.get(
        "/api/v1/audit", params={"action": "delivery.replay_all"}, headers=tenant.headers()
    ).json()
    assert audit["items"][0]["details"] == {"count": 2, "endpoint_id": None, "channel": None}
