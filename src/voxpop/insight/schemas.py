from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from voxpop.insight.metrics import Estimate
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
