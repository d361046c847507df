"""What a matching rule does, end to end with real receivers on 127.0.0.1: an email through an SMTP server
(aiosmtpd), a signed webhook and a Slack-compatible message through an HTTP server, a tag on the record, and
any action another domain registers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from typing import Any

import httpx
from sqlalchemy.orm import Session

from tests.delivery.factories import http_receiver, smtp_receiver
from tests.factories import make_tenant, post
from tests.rule.factories import create_rule, recent, rule, send, wait_for, wait_until_evaluated
from voxpop.delivery.signing import sign
from voxpop.kit.errors import Invalid, Problem
from voxpop.rule import actions
from voxpop.rule.actions import Match


def test_a_match_emails_every_recipient_what_matched_and_why(session: Session, http: httpx.Client) -> None:
    tenant = make_tenant(session)
    notify = {"type": "notify_email", "params": {"to": ["ops@example.com", "cx@example.com"]}}
    with smtp_receiver() as smtp:
        create_rule(http, tenant, name="Unhappy email", actions=[notify])
        (record,) = send(http, tenant, recent(nps=2, channel="email", title="Late again"))
        wait_for(lambda: len(smtp.messages) == 2, what="two emails")
    assert sorted(m["To"] for m in smtp.messages) == ["cx@example.com", "ops@example.com"]
    message = smtp.messages[0]
    assert str(make_header(decode_header(message["Subject"]))) == "Rule “Unhappy email” matched"
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert record in body and "nps ≤ 6" in body and "Late again" in body


def test_a_match_sends_a_signed_webhook_and_a_slack_message(session: Session, http: httpx.Client) -> None:
    tenant = make_tenant(session)
    with http_receiver() as standard, http_receiver() as slack:
        endpoint = post(
            http, tenant, "/api/v1/webhooks", {"url": standard.url, "event_types": ["rule.*"]}
        ).json()
        post(http, tenant, "/api/v1/webhooks", {"url": slack.url, "format": "slack"})
        created = create_rule(
            http, tenant, conditions={"channels": ["chat"]}, actions=[{"type": "notify_webhook"}]
        )
        (record,) = send(http, tenant, recent(nps=4, channel="chat", text=None))
        wait_for(lambda: standard.received and slack.received, what="both webhooks")
    (request,) = standard.received
    headers = request.headers
    expected = sign(
        endpoint["secret"], headers["webhook-id"], int(headers["webhook-timestamp"]), request.body
    )
    assert headers["webhook-signature"] == expected
    event = json.loads(request.body)
    assert event["type"] == "rule.matched"
    assert event["data"]["rule"] == {"id": created["id"], "name": "Detractors"}
    assert event["data"]["feedback"]["id"] == record and event["data"]["feedback"]["scores"] == {"nps": 4}
    assert event["data"]["matched"] == ["channel: chat"]
    text = json.loads(slack.received[0].body)["text"]
    assert text.startswith("*Rule “Detractors” matched*") and "channel: chat" in text


@dataclass
class Recorder:
    """An action as another domain would register one (like `open_case`): it checks its parameters and runs
    inside the evaluating transaction."""

    name: str = "test_recorder"
    ran: list[tuple[Match, dict[str, Any]]] = field(default_factory=list)

    def check(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("queue") not in ("billing", "support"):
            raise Invalid("invalid action", [Problem("use billing or support", field="queue")])
        return {"queue": params["queue"]}

    def run(self, session: Session, match: Match, params: dict[str, Any]) -> None:
        self.ran.append((match, params))


def test_any_registered_action_is_checked_when_saved_and_run_once_on_a_match(
    session: Session, http: httpx.Client
) -> None:
    recorder = actions.register(Recorder())
    assert isinstance(recorder, Recorder)
    tenant = make_tenant(session)
    refused = post(http, tenant, "/api/v1/rules", rule(actions=[{"type": "test_recorder", "params": {}}]))
    assert refused.status_code == 422
    assert refused.json()["error"]["problems"] == [
        {"field": "actions[0].params.queue", "reason": "use billing or support"}
    ]
    created = create_rule(http, tenant, actions=[{"type": "test_recorder", "params": {"queue": "billing"}}])
    (record,) = send(http, tenant, recent(nps=0))
    wait_until_evaluated(session, tenant.workspace_id, 1)
    ((match, params),) = [(m, p) for m, p in recorder.ran if m.workspace_id == tenant.workspace_id]
    assert (str(match.rule_id), str(match.feedback_id), params) == (
        created["id"],
        record,
        {"queue": "billing"},
    )
    assert match.details["matched"] == ["nps ≤ 6"] and match.details["scores"] == {"nps": 0}
