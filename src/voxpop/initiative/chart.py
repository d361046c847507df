"""The impact chart, inline SVG like the insight charts: one row per measure, its change (after minus before)
as a dot with its 95 % interval around a centre line of no change. Rows mix units (points, shares, a mean),
so each row has its own scale: the chart shows direction and certainty; the table beside it the numbers."""

from __future__ import annotations

from html import escape

from voxpop.initiative.impact import Measure

WIDTH, ROW, TOP, LABELS, RIGHT = 720, 30, 16, 300, 90
COLOURS = {"better": "#1a7f37", "worse": "#b42318"}
NEUTRAL = "#0b5cad"


def changes_chart(measures: list[Measure], title: str) -> str:
    rows = [m for m in measures if m.comparison.difference is not None]
    if not rows:
        return ""
    height = TOP * 2 + ROW * len(rows)
    middle = LABELS + (WIDTH - LABELS - RIGHT) / 2
    body = "".join(_row(m, TOP + ROW * i + ROW / 2, middle) for i, m in enumerate(rows))
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="impact-chart-title impact-chart-desc">'
        f'<title id="impact-chart-title">{escape(title)}</title>'
        f'<desc id="impact-chart-desc">One row per measure: the change since the start as a dot with its '
        f"95 % interval, each row on its own scale around the dashed line of no change. Green: significantly "
        f"better; red: significantly worse; hollow: fewer answers than the minimum. The table holds the "
        f"same figures.</desc>"
        f'<line x1="{middle:.1f}" y1="{TOP / 2}" x2="{middle:.1f}" y2="{height - TOP / 2}" stroke="#666" '
        f'stroke-dasharray="4 3"/>{body}</svg>'
    )


def _row(measure: Measure, y: float, middle: float) -> str:
    c = measure.comparison
    difference = c.difference or 0.0
    low = c.low if c.low is not None else difference
    high = c.high if c.high is not None else difference
    half = (WIDTH - LABELS - RIGHT) / 2 - 8
    reach = max(abs(low), abs(high)) or 1.0

    def x(value: float) -> float:
        return middle + value / reach * half

    colour = COLOURS.get(measure.outcome, NEUTRAL)
    fill = colour if c.a.reliable and c.b.reliable else "#ffffff"
    name = f"{measure.subject}: {measure.measure}"
    label = name if len(name) <= 44 else name[:43] + "…"
    return (
        f'<text x="4" y="{y + 4:.1f}" font-size="12">{escape(label)}</text>'
        f'<line x1="{x(low):.1f}" y1="{y:.1f}" x2="{x(high):.1f}" y2="{y:.1f}" stroke="{colour}" stroke-width="2"/>'
        f'<circle cx="{x(difference):.1f}" cy="{y:.1f}" r="5" fill="{fill}" stroke="{colour}" stroke-width="2">'
        f"<title>{escape(name)}: {difference:+.1f} ({escape(measure.outcome)})</title></circle>"
        f'<text x="{WIDTH - RIGHT + 8}" y="{y + 4:.1f}" font-size="12">{difference:+.1f}</text>'
    )
