"""What a webhook request body looks like, by the endpoint's format: our own (Standard Webhooks style
`{"type", "timestamp", "data"}`), or a message that Slack or Microsoft Teams incoming webhooks accept."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

STANDARD = "standard"
SLACK = "slack"
TEAMS = "teams"


def _title(event_type: str, payload: dict[str, Any]) -> str:
    title = payload.get("title")
    return title if isinstance(title, str) and title else f"voxpop: {event_type}"


def _text(payload: dict[str, Any]) -> str:
    """The payload's `text` if it has one, else its plain fields as `name: value` lines."""
    text = payload.get("text")
    if isinstance(text, str) and text:
        return text
    return "\n".join(
        f"{name}: {value}"
        for name, value in payload.items()
        if name != "title" and isinstance(value, str | int | float | bool)
    )


def standard(event_type: str, payload: dict[str, Any], at: datetime) -> dict[str, Any]:
    return {"type": event_type, "timestamp": at.isoformat(), "data": payload}


def slack(event_type: str, payload: dict[str, Any], at: datetime) -> dict[str, Any]:
    return {"text": f"*{_title(event_type, payload)}*\n{_text(payload)}".rstrip()}


def teams(event_type: str, payload: dict[str, Any], at: datetime) -> dict[str, Any]:
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": _title(event_type, payload), "weight": "Bolder", "wrap": True},
            {"type": "TextBlock", "text": _text(payload), "wrap": True},
        ],
    }
    return {
        "type": "message",
        "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}],
    }


FORMATS: dict[str, Callable[[str, dict[str, Any], datetime], dict[str, Any]]] = {
    STANDARD: standard,
    SLACK: slack,
    TEAMS: teams,
}


def render(format_name: str, event_type: str, payload: dict[str, Any], at: datetime) -> str:
    """The request body, fixed when the delivery is queued so that every retry sends the same bytes."""
    return json.dumps(FORMATS[format_name](event_type, payload, at), ensure_ascii=False, default=str)
