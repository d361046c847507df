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
    dialect = session.get_bind().dialect.name
    filters = tuple((field_named(name, dialect), value) for name, value in change.keys.items())
    scopes = current.scope(workspace_id, filters), previous.scope(workspace_id, filters)
    now, then = (repository.theme_counts(session, scope) for scope in scopes)
    totals = [repository.records_with_text(session, scope) for scope in scopes]
    min_n = get_settings().min_n
    fell = (change.comparison.difference or 0) < 0
    causes = []
    none = {"records": 0, "sentences": 0, "negative": 0}
    for theme_id in now.keys() | then.keys():
        a, b = now.get(theme_id, none), then.get(theme_id, none)
        for measure, comparison in (
            ("mentions", compare_shares(a["records"], totals[0], b["records"], totals[1], min_n)),
            ("negative", compare_shares(a["negative"], a["sentences"], b["negative"], b["sentences"], min_n)),
        ):
            rose = (comparison.difference or 0) > 0
            if comparison.significant(ALPHA) and rose == fell:
                causes.append(Cause(theme_id, measure, comparison))
    return sorted(causes, key=lambda c: -abs(c.comparison.difference or 0))[:LIMIT]
