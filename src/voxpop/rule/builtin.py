"""The actions the rule domain brings itself: `notify_email`, `notify_webhook` and `tag` (other domains
register theirs, such as `open_case`). Notifications are queued in the delivery outbox, so they are sent
(and retried) only once the evaluating transaction commits."""

from __future__ import annotations

from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from voxpop.delivery import service as delivery
from voxpop.kit import clock
from voxpop.kit.errors import Invalid, Problem
from voxpop.kit.ids import new_id
from voxpop.rule import actions
from voxpop.rule.actions import Match

EVENT_TYPE = "rule.matched"
MAX_RECIPIENTS = 10
MAX_TAGS = 10
MAX_TAG_LENGTH = 50
PENDING_TAGS = "voxpop_rule_pending_tags"


def _no_other_params(params: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(params) - allowed)
    if unknown:
        reason = f"unknown parameter; use {', '.join(sorted(allowed))}" if allowed else "takes no parameters"
        raise Invalid("invalid action", [Problem(reason, field=name) for name in unknown])


def _strings(params: dict[str, Any], name: str, most: int) -> list[str]:
    value = params.get(name)
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise Invalid("invalid action", [Problem("give one or more as a list of text", field=name)])
    if len(values) > most:
        raise Invalid("invalid action", [Problem(f"give at most {most}", field=name)])
    return values


def title(match: Match) -> str:
    return f"Rule “{match.rule_name}” matched"


def summary(match: Match) -> str:
    """The match as plain lines: what matched and why."""
    details = dict(match.details)
    matched = details.pop("matched", [])
    lines = [f"{name}: {value}" for name, value in details.items() if value not in (None, "", {}, [])]
    return "\n".join([*lines, f"conditions: {'; '.join(matched) or 'none (matches everything)'}"])


class NotifyEmail:
    """Email one or more addresses: `{"to": ["a@example.com"], "subject": "optional"}`."""

    name = "notify_email"

    def check(self, params: dict[str, Any]) -> dict[str, Any]:
        _no_other_params(params, {"to", "subject"})
        addresses = []
        for position, address in enumerate(_strings(params, "to", MAX_RECIPIENTS)):
            try:
                addresses.append(validate_email(address, check_deliverability=False).normalized)
            except EmailNotValidError as error:
                reason = f"is not a valid email address: {error}"
                raise Invalid("invalid action", [Problem(reason, field=f"to[{position}]")]) from None
        subject = params.get("subject", "")
        if not isinstance(subject, str) or "\n" in subject or "\r" in subject or len(subject) > 200:
            raise Invalid(
                "invalid action", [Problem("must be one line of at most 200 characters", "subject")]
            )
        return {"to": addresses, "subject": subject.strip()} if subject.strip() else {"to": addresses}

    def run(self, session: Session, match: Match, params: dict[str, Any]) -> None:
        for address in params["to"]:
            delivery.queue_email(
                session,
                match.workspace_id,
                to=address,
                subject=params.get("subject") or title(match),
                text=f"{title(match)}.\n\n{summary(match)}\n",
            )


class NotifyWebhook:
    """A `rule.matched` event to every active webhook endpoint subscribed to it, each in its own format
    (signed standard JSON, Slack or Teams). Takes no parameters: endpoints choose what they receive."""

    name = "notify_webhook"

    def check(self, params: dict[str, Any]) -> dict[str, Any]:
        _no_other_params(params, set())
        return {}

    def run(self, session: Session, match: Match, params: dict[str, Any]) -> None:
        subject = "insight" if match.insight_id is not None else "feedback"
        payload = {
            "title": title(match),
            "text": summary(match),
            "rule": {"id": str(match.rule_id), "name": match.rule_name},
            subject: {k: v for k, v in match.details.items() if k != "matched"},
            "matched": list(match.details.get("matched", [])),
        }
        delivery.queue_webhook(session, match.workspace_id, EVENT_TYPE, payload)


class Tag:
    """Tag the record: `{"tags": ["at-risk", "vip"]}` (lower-case, at most 50 characters each)."""

    name = "tag"

    def check(self, params: dict[str, Any]) -> dict[str, Any]:
        _no_other_params(params, {"tags"})
        tags: list[str] = []
        for position, raw in enumerate(_strings(params, "tags", MAX_TAGS)):
            tag = " ".join(raw.split()).lower()
            if not tag or len(tag) > MAX_TAG_LENGTH:
                reason = f"must be 1 to {MAX_TAG_LENGTH} characters"
                raise Invalid("invalid action", [Problem(reason, field=f"tags[{position}]")])
            if tag not in tags:
                tags.append(tag)
        return {"tags": tags}

    def run(self, session: Session, match: Match, params: dict[str, Any]) -> None:
        if match.feedback_id is None:
            return
        now = clock.now()
        session.info.setdefault(PENDING_TAGS, []).extend(
            {
                "id": new_id(),
                "workspace_id": match.workspace_id,
                "feedback_id": match.feedback_id,
                "tag": tag,
                "rule_id": match.rule_id,
                "tagged_at": now,
            }
            for tag in params["tags"]
        )


def take_pending_tags(session: Session) -> list[dict[str, Any]]:
    """The tag rows `Tag.run` set aside in this session, taken out: the evaluation writes them with its
    matches, one statement per batch instead of one per match."""
    return list(session.info.pop(PENDING_TAGS, []))


FEEDBACK_ONLY = frozenset({Tag.name})
ACTIONS: tuple[actions.Action, ...] = (NotifyEmail(), NotifyWebhook(), Tag())
"""The rule domain's own actions (`voxpop.flows` registers them with the other domains' ones)."""
