"""The journey as a whole: the score at every lifecycle stage × channel, the relationship score beside the
average of touchpoint scores, and the events and touchpoints that come before detractor answers more often
than before promoter answers.

A relationship answer is one with no touchpoint or a touchpoint named in the setting
RELATIONSHIP_TOUCHPOINTS (asked about the whole relationship); every other answer is a touchpoint answer.
"Is the whole more than the sum?" compares the relationship NPS with the unweighted mean of the touchpoints'.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from voxpop.insight import repository, service
from voxpop.insight.compare import Comparison, benjamini_hochberg, compare_shares
from voxpop.insight.records import records_link
from voxpop.insight.repository import Precedent
from voxpop.insight.service import Figure, SliceQuery
from voxpop.kit.errors import Invalid, Problem
from voxpop.kit.settings import get_settings

PRECURSOR_FIELDS = ("type", "touchpoint")


def stage_by_channel(session: Session, workspace_id: uuid.UUID, metric: str = "nps") -> list[Figure]:
    return service.figures(
        session, workspace_id, SliceQuery(metric=metric, by=("lifecycle_stage", "channel"))
    )


@dataclass(frozen=True)
class WholeAndParts:
    relationship: Figure | None
    touchpoints: list[Figure]
    touchpoint_mean: float | None

    @property
    def difference(self) -> float | None:
        if (
            self.relationship is None
            or self.relationship.estimate.value is None
            or self.touchpoint_mean is None
        ):
            return None
        return self.relationship.estimate.value - self.touchpoint_mean


def _is_relationship(touchpoint: str | None) -> bool:
    return touchpoint is None or touchpoint in get_settings().relationship_touchpoints


def whole_and_parts(session: Session, workspace_id: uuid.UUID) -> WholeAndParts:
    """Relationship answers pooled (their sums add up) beside each touchpoint's NPS and their plain mean."""
    groups = service.sums(session, workspace_id, SliceQuery(metric="nps", by=("touchpoint",)))
    whole = [sums for key, sums in groups if _is_relationship(key["touchpoint"])]
    parts = [
        service.figure("nps", key, sums) for key, sums in groups if not _is_relationship(key["touchpoint"])
    ]
    relationship = service.figure("nps", {"touchpoint": None}, _add(whole)) if whole else None
    valued = [p.estimate.value for p in parts if p.estimate.value is not None]
    return WholeAndParts(relationship, parts, sum(valued) / len(valued) if valued else None)


def _add(groups: list[dict[str, Any]]) -> dict[str, Any]:
    return {name: sum(g[name] for g in groups) for name in groups[0] if not name.startswith("g")}


@dataclass(frozen=True)
class Precursor:
    """An event type (or touchpoint) and how often it came before detractor vs promoter answers (in %)."""

    key: str
    comparison: Comparison
    q_value: float | None
    significant: bool
    detractors: int
    promoters: int
    precedent: Precedent

    def records_link(self, nps_group: str) -> str:
        """The detractor (or promoter) answers this event preceded: the records behind the share."""
        return records_link("nps", where=[("nps_group", nps_group)], preceded_by=self.precedent)


def precursors(
    session: Session, workspace_id: uuid.UUID, by: str = "type", days: int = 30, alpha: float = 0.05
) -> list[Precursor]:
    """Share of detractor answers preceded by each event minus the share of promoter answers preceded by it,
    two-proportion z-tests, Benjamini–Hochberg across events; most over-represented before detractors first."""
    if by not in PRECURSOR_FIELDS:
        raise Invalid(
            f"unknown event field {by!r}", [Problem(f"use one of: {', '.join(PRECURSOR_FIELDS)}", field="by")]
        )
    if not 1 <= days <= 365:
        raise Invalid("days out of range", [Problem("use 1 to 365 days", field="days")])
    rows, totals = repository.precursor_counts(session, workspace_id, days, by)
    min_n = get_settings().min_n
    comparisons = [
        compare_shares(
            int(r["detractors"]), totals["detractors"], int(r["promoters"]), totals["promoters"], min_n
        )
        for r in rows
    ]
    q_values = benjamini_hochberg([c.p_value for c in comparisons])
    found = [
        Precursor(
            str(r["key"]),
            c,
            q,
            q is not None and q < alpha,
            int(r["detractors"]),
            int(r["promoters"]),
            Precedent(by, str(r["key"]), days),
        )
        for r, c, q in zip(rows, comparisons, q_values, strict=True)
    ]
    return sorted(found, key=lambda p: -(p.comparison.difference or 0))
