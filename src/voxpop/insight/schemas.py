from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import BaseModel

from voxpop.insight.changes import Change, Window
from voxpop.insight.metrics import Estimate
from voxpop.insight.records import Record, RecordPage
from voxpop.insight.service import Figure


class EstimateOut(BaseModel):
    value: float | None
    low: float | None
    high: float | None
    n: int
    reliable: bool

    @classmethod
    def of(cls, estimate: Estimate) -> EstimateOut:
        return cls(
            value=estimate.value,
            low=estimate.low,
            high=estimate.high,
            n=estimate.n,
            reliable=estimate.reliable,
        )


class FigureOut(BaseModel):
    """One group's figure: `value` with its 95 % interval, n, and `reliable` (n at least the minimum)."""

    keys: dict[str, str | None]
    value: float | None
    low: float | None
    high: float | None
    n: int
    reliable: bool
    details: dict[str, Any]

    @classmethod
    def of(cls, figure: Figure) -> FigureOut:
        details = {
            name: EstimateOut.of(value).model_dump() if isinstance(value, Estimate) else value
            for name, value in figure.details.items()
        }
        return cls(keys=figure.keys, **EstimateOut.of(figure.estimate).model_dump(), details=details)


class WindowOut(BaseModel):
    start: str
    end: str

    @classmethod
    def of(cls, window: Window) -> WindowOut:
        """`end` is the last day inside the window."""
        return cls(start=window.start.isoformat(), end=(window.end - timedelta(days=1)).isoformat())


class ChangeOut(BaseModel):
    """Group a against group b (a segment and the rest, or a period and the one before): the difference in
    the metric's units with its 95 % interval, the test, its p-value, and the BH-adjusted q where many were tested."""

    keys: dict[str, str | None]
    a: EstimateOut
    b: EstimateOut
    difference: float | None
    low: float | None
    high: float | None
    test: str
    statistic: float | None
    p_value: float | None
    q_value: float | None
    significant: bool

    @classmethod
    def of(cls, change: Change) -> ChangeOut:
        c = change.comparison
        return cls(
            keys=change.keys,
            a=EstimateOut.of(c.a),
            b=EstimateOut.of(c.b),
            difference=c.difference,
            low=c.low,
            high=c.high,
            test=c.test,
            statistic=c.statistic,
            p_value=c.p_value,
            q_value=change.q_value,
            significant=change.significant,
        )


class RecordPageOut(BaseModel):
    """`total` records match (the n of the figure they came from); `items` is the page from `offset`."""

    total: int
    limit: int
    offset: int
    items: list[Record]

    @classmethod
    def of(cls, page: RecordPage) -> RecordPageOut:
        return cls(
            total=page.total,
            limit=page.limit,
            offset=page.offset,
            items=page.items,
        )
