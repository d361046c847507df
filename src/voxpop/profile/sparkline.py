"""A small inline SVG of the customer's sentiment month by month: a line from -1 (negative) to +1 (positive)
around a zero line, drawn on the server (no script; the page's policy allows none inline)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from voxpop.text.explore import MonthSentiment

WIDTH, HEIGHT, PAD = 320, 80, 6


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    points: str
    dots: list[tuple[float, float, MonthSentiment]]
    zero_y: float
    summary: str


def _y(mean: float) -> float:
    return round(PAD + (1 - max(-1.0, min(1.0, mean))) / 2 * (HEIGHT - 2 * PAD), 1)


def of(months: Sequence[MonthSentiment]) -> Sparkline | None:
    """The line through the months' mean sentiment (None with no analysed record)."""
    if not months:
        return None
    step = (WIDTH - 2 * PAD) / max(len(months) - 1, 1)
    dots = [(round(PAD + i * step, 1), _y(m.mean), m) for i, m in enumerate(months)]
    if len(dots) == 1:
        _, y, month = dots[0]
        dots = [(PAD, y, month), (WIDTH - PAD, y, month)]
    first, last = months[0], months[-1]
    summary = (
        f"Mean sentiment {first.mean:+.2f} in {first.month}"
        + (f", {last.mean:+.2f} in {last.month}" if len(months) > 1 else "")
        + f", over {sum(m.records for m in months):,} analysed records in {len(months)} months"
    )
    return Sparkline(WIDTH, HEIGHT, " ".join(f"{x},{y}" for x, y, _ in dots), dots, _y(0.0), summary)
