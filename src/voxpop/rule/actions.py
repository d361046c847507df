"""What a rule can do when it matches: actions registered by name, like the text pipeline's components.

Each domain that offers an action registers it here (`case` registers `open_case`); the rule domain only
knows the interface. An action checks its parameters when a rule is saved, and runs inside the caller's
transaction when the rule matches: it never commits, so a match and its actions land together or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.orm import Session

from voxpop.kit.errors import Invalid, Problem


@dataclass(frozen=True)
class Match:
    """One rule matching one feedback record or one insight."""

    workspace_id: uuid.UUID
    rule_id: uuid.UUID
    rule_name: str
    feedback_id: uuid.UUID | None = None
    insight_id: uuid.UUID | None = None
    details: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    """What matched, ready to show or send without another query: the record (id, received_at, channel,
    source, scores, an excerpt of its text) or the insight (id, kind, title, metric, segment, since), and
    `matched`, the labels of the conditions that held."""


class Action(Protocol):
    name: str

    def check(self, params: dict[str, Any]) -> dict[str, Any]:
        """The parameters, normalised; raises `Invalid` naming the field when they are wrong."""
        ...

    def run(self, session: Session, match: Match, params: dict[str, Any]) -> None:
        """Do it within the caller's transaction; never commit."""
        ...


_ACTIONS: dict[str, Action] = {}


def register(action: Action) -> Action:
    _ACTIONS[action.name] = action
    return action


def get(name: str) -> Action:
    try:
        return _ACTIONS[name]
    except KeyError:
        known = ", ".join(sorted(_ACTIONS)) or "none"
        raise Invalid(f"unknown action {name!r}", [Problem(f"use one of: {known}", field="type")]) from None


def names() -> list[str]:
    return sorted(_ACTIONS)
