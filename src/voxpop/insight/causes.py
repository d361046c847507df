"""Likely causes of a movement: the themes whose share of mentions, or whose negative share, moved in the same
segment between the same two periods — tested (two-proportion z), so chance wobbles of small themes are not
offered as causes. A cause is evidence to read, not proof: it moved *with* the score."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from voxpop.insight import repository
from voxpop.insight.changes import Change, Window
from voxpop.insight.compare import Comparison, compare_shares
from voxpop.insight.fields import field as field_named
from voxpop.kit.settings import get_settings

ALPHA = 0.05
LIMIT = 3


@dataclass(frozen=True)
class Cause:
    theme_id: uuid.UUID
    measure: str
    """"mentions" (share of records with text mentioning the theme) or "negative" (share of its sentences)."""
    comparison: Comparison


def likely_causes(
    session: Session, workspace_id: uuid.UUID, change: Change, current: Window, previous: Window
) -> list[Cause]:
    """Themes that moved significantly in the change's segment, in the direction that explains it, largest first."""
    fell = (change.comparison.difference or 0) < 0
    causes = [
        cause
        for cause in theme_shifts(session, workspace_id, current, previous, tuple(change.keys.items()))
        if cause.comparison.significant(ALPHA) and ((cause.comparison.difference or 0) > 0) == fell
    ]
    return sorted(causes, key=lambda c: -abs(c.comparison.difference or 0))[:LIMIT]


def theme_shifts(
    session: Session,
    workspace_id: uuid.UUID,
    current: Window,
    previous: Window,
    where: tuple[tuple[str, str | None], ...] = (),
) -> list[Cause]:
    """Every top-level theme mentioned in either window, in the records matching `where`: its share of
    mentions and its negative share, current against previous (two-proportion z-tests)."""
    dialect = session.get_bind().dialect.name
    filters = tuple((field_named(name, dialect), value) for name, value in where)
    scopes = current.scope(workspace_id, filters), previous.scope(workspace_id, filters)
    now, then = (repository.theme_counts(session, scope) for scope in scopes)
    totals = [repository.records_with_text(session, scope) for scope in scopes]
    min_n = get_settings().min_n
    shifts = []
    none = {"records": 0, "sentences": 0, "negative": 0}
    for theme_id in now.keys() | then.keys():
        a, b = now.get(theme_id, none), then.get(theme_id, none)
        shifts += [
            Cause(
                theme_id, "mentions", compare_shares(a["records"], totals[0], b["records"], totals[1], min_n)
            ),
            Cause(
                theme_id,
                "negative",
                compare_shares(a["negative"], a["sentences"], b["negative"], b["sentences"], min_n),
            ),
        ]
    return shifts
