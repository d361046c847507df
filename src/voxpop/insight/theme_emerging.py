"""Emerging themes: a theme whose volume or negative share spikes in the last complete period, and a theme
that appears for the first time. Each becomes an insight (what, where, since when, evidence) that alerts can
act on; finding it again updates the same row.

- Volume: the records mentioning a theme are taken as Poisson around their expected count — the baseline's
  share of records with text mentioning it, times this period's records with text (so a busier week is not a
  spike by itself). A spike is a count above expected + σ·√expected, and at least `MIN_RECORDS`.
- Negative share: the share of the theme's sentences that are negative, against the baseline share, with the
  binomial standard error of this period's count of sentences; judged only from the minimum n sentences on.
- New: a theme mentioned by at least `MIN_RECORDS` records this period and by none in the baseline.
"""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from voxpop.insight import repository
from voxpop.insight.changes import last_complete_periods, periods_before
from voxpop.insight.models import Insight
from voxpop.insight.service import DETECTED
from voxpop.kit import clock
from voxpop.kit.settings import get_settings

MIN_RECORDS = 5
KINDS = {"volume": "theme_volume_spike", "negative": "theme_negative_spike", "new": "new_theme"}


def detect_theme_shifts(
    session: Session,
    workspace_id: uuid.UUID,
    names: dict[uuid.UUID, str],
    period: str = "week",
    baseline_periods: int = 8,
    sigma: float = 3.0,
    as_of: date | None = None,
) -> list[Insight]:
    """Judge every top-level theme in the last complete period against the periods before it."""
    current, _ = last_complete_periods(period, as_of)
    baseline = periods_before(current.start, period, baseline_periods)
    now = repository.theme_counts(session, current.scope(workspace_id))
    before = repository.theme_counts(session, baseline.scope(workspace_id))
    totals = (
        repository.records_with_text(session, current.scope(workspace_id)),
        repository.records_with_text(session, baseline.scope(workspace_id)),
    )
    found: list[Insight] = []
    for theme_id, counts in now.items():
        for kind, evidence in _judgements(counts, before.get(theme_id), totals, sigma):
            evidence["period"] = {"start": current.start.isoformat(), "end": current.last_day.isoformat()}
            found.append(
                _store(
                    session, workspace_id, kind, theme_id, names.get(theme_id, "?"), current.start, evidence
                )
            )
    return found


def _judgements(
    now: dict[str, int], before: dict[str, int] | None, totals: tuple[int, int], sigma: float
) -> list[tuple[str, dict[str, Any]]]:
    if before is None:
        return [("new", {"records": now["records"]})] if now["records"] >= MIN_RECORDS else []
    found = []
    total_now, total_before = totals
    expected = before["records"] / max(total_before, 1) * total_now
    if now["records"] >= MIN_RECORDS and now["records"] > expected + sigma * math.sqrt(max(expected, 1.0)):
        found.append(("volume", {"records": now["records"], "expected": round(expected, 2), "sigma": sigma}))
    share_before = before["negative"] / max(before["sentences"], 1)
    n = now["sentences"]
    if n >= get_settings().min_n and 0 < share_before < 1:
        upper = share_before + sigma * math.sqrt(share_before * (1 - share_before) / n)
        share_now = now["negative"] / n
        if share_now > upper:
            evidence = {
                "negative_share": round(share_now, 4),
                "expected": round(share_before, 4),
                "upper": round(upper, 4),
                "sentences": n,
            }
            found.append(("negative", evidence))
    return found


def _store(
    session: Session,
    workspace_id: uuid.UUID,
    kind: str,
    theme_id: uuid.UUID,
    name: str,
    since: date,
    evidence: dict[str, Any],
) -> Insight:
    what = {
        "volume": "is mentioned far more than usual",
        "negative": "turned more negative",
        "new": "appeared",
    }[kind]
    subject = hashlib.sha256(json.dumps([kind, str(theme_id), since.isoformat()]).encode()).hexdigest()
    title = f"Theme “{name}” {what} (from {since.isoformat()})"[:300]
    insight = repository.insight_by_subject(session, workspace_id, KINDS[kind], subject)
    if insight is None:
        insight = Insight(
            workspace_id=workspace_id, kind=KINDS[kind], subject=subject, since=since, title=title
        )
        repository.add_insight(session, insight)
    insight.title, insight.segment, insight.detected_at = (
        title,
        {"theme": str(theme_id), "theme_name": name},
        clock.now(),
    )
    insight.evidence = evidence
    DETECTED(session, insight)
    return insight
