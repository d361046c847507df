"""The key-driver priority matrix as inline SVG: importance against current performance.

A driver that matters a lot and performs poorly (top left) is where improvement pays most; the quadrant lines
sit at the medians of the drivers shown, so the quadrants are relative to this set of drivers, not absolute.
No script, no external file; the caller shows the same figures in a table beside the chart.
"""

from __future__ import annotations

from html import escape
from statistics import median

from voxpop.insight.drivers import Driver, DriverAnalysis

WIDTH, HEIGHT = 720, 440
LEFT, RIGHT, TOP, BOTTOM = 56, 170, 28, 48
LABEL_GAP = 13
COLOUR = "#0b5cad"
# The quadrants' names in their corners: (text, x, y, anchor).
QUADRANTS = (
    ("Improve first: important, performing below the others", LEFT + 4, TOP + 12, "start"),
    ("Keep up: important, performing well", WIDTH - RIGHT - 4, TOP + 12, "end"),
    ("Lower priority", LEFT + 4, HEIGHT - BOTTOM - 6, "start"),
    ("Possibly over-served", WIDTH - RIGHT - 4, HEIGHT - BOTTOM - 6, "end"),
)


class _Frame:
    """Maps performance (0–100) and importance (% of R²) to SVG coordinates, with a margin around the data."""

    def __init__(self, drivers: tuple[Driver, ...]) -> None:
        xs = [d.performance_scaled for d in drivers]
        pad = max(2.0, (max(xs) - min(xs)) * 0.08)
        self.x_low, self.x_high = max(0.0, min(xs) - pad), min(100.0, max(xs) + pad)
        if self.x_high <= self.x_low:
            self.x_low, self.x_high = 0.0, 100.0
        self.y_high = max(max(d.percent_high for d in drivers), max(d.percent for d in drivers), 1.0) * 1.05

    def x(self, value: float) -> float:
        return LEFT + (value - self.x_low) / (self.x_high - self.x_low) * (WIDTH - LEFT - RIGHT)

    def y(self, value: float) -> float:
        return HEIGHT - BOTTOM - max(0.0, value) / self.y_high * (HEIGHT - TOP - BOTTOM)


def priority_matrix(analysis: DriverAnalysis, title: str, chart_id: str = "drivers") -> str:
    """SVG of each driver's importance (% of R², with its interval) against its performance on 0–100."""
    drivers = analysis.drivers
    if not drivers:
        return ""
    frame = _Frame(drivers)
    mid_x = frame.x(median(d.performance_scaled for d in drivers))
    mid_y = frame.y(median(d.percent for d in drivers))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(_description(analysis))}</desc>'
        f"{_quadrants(mid_x, mid_y)}{_axes(frame)}"
        f"{''.join(_point(d, frame) for d in drivers)}{_labels(drivers, frame)}</svg>"
    )


def _description(analysis: DriverAnalysis) -> str:
    method = "relative weights" if analysis.method == "relative_weights" else "Shapley value regression"
    return (
        f"Priority matrix of {len(analysis.drivers)} drivers: horizontal position is current performance "
        f"(mean on 0 to 100), vertical position is importance (share of the explained variance, R² = "
        f"{analysis.r_squared:.3f}, by {method}, n = {analysis.n}), with its "
        f"{analysis.confidence:.0%} bootstrap interval. Lines mark the medians. "
        "The table below holds the same figures."
    )


def _quadrants(mid_x: float, mid_y: float) -> str:
    lines = (
        f'<line x1="{mid_x:.1f}" y1="{TOP}" x2="{mid_x:.1f}" y2="{HEIGHT - BOTTOM}" stroke="#888" '
        f'stroke-dasharray="4 3"/>'
        f'<line x1="{LEFT}" y1="{mid_y:.1f}" x2="{WIDTH - RIGHT}" y2="{mid_y:.1f}" stroke="#888" '
        f'stroke-dasharray="4 3"/>'
    )
    names = "".join(
        f'<text x="{x}" y="{y}" text-anchor="{anchor}" font-size="11" fill="#555">{escape(text)}</text>'
        for text, x, y, anchor in QUADRANTS
    )
    return lines + names


def _axes(frame: _Frame) -> str:
    bottom, right = HEIGHT - BOTTOM, WIDTH - RIGHT
    return (
        f'<line x1="{LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#333"/>'
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" stroke="#333"/>'
        f'<text x="{LEFT}" y="{bottom + 16}" font-size="11">{frame.x_low:.0f}</text>'
        f'<text x="{right}" y="{bottom + 16}" font-size="11" text-anchor="end">{frame.x_high:.0f}</text>'
        f'<text x="{(LEFT + right) / 2:.1f}" y="{HEIGHT - 10}" font-size="12" text-anchor="middle">'
        "Current performance (0–100)</text>"
        f'<text x="{LEFT - 6}" y="{bottom}" font-size="11" text-anchor="end">0</text>'
        f'<text x="{LEFT - 6}" y="{TOP + 4}" font-size="11" text-anchor="end">{frame.y_high:.0f}%</text>'
        f'<text x="14" y="{(TOP + bottom) / 2:.1f}" font-size="12" text-anchor="middle" '
        f'transform="rotate(-90 14 {(TOP + bottom) / 2:.1f})">Importance (% of R²)</text>'
    )


def _point(driver: Driver, frame: _Frame) -> str:
    x, y = frame.x(driver.performance_scaled), frame.y(driver.percent)
    label = (
        f"{driver.name}: importance {driver.percent:.1f} % of R² "
        f"({driver.percent_low:.1f}–{driver.percent_high:.1f}), performance {driver.performance_scaled:.1f}"
    )
    return (
        f'<g class="driver"><title>{escape(label)}</title>'
        f'<line x1="{x:.1f}" y1="{frame.y(driver.percent_low):.1f}" x2="{x:.1f}" '
        f'y2="{frame.y(driver.percent_high):.1f}" stroke="{COLOUR}" stroke-opacity="0.4" stroke-width="2"/>'
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{COLOUR}"/></g>'
    )


Box = tuple[float, float, float, float]
# Where a name may go relative to its point (dx, dy, anchor): right, left, above, below, then further out.
PLACES = [(8, 4, "start"), (-8, 4, "end"), (0, -9, "middle"), (0, 17, "middle")] + [
    (8, 4 + sign * LABEL_GAP * step, "start") for step in (1, 2, 3) for sign in (-1, 1)
]
CHAR_WIDTH = 6.0  # average width of a character at font-size 11, for collision boxes


def _label_box(x: float, y: float, anchor: str, text: str) -> Box:
    width = CHAR_WIDTH * len(text)
    left = x - {"start": 0.0, "middle": width / 2, "end": width}[anchor]
    return (left, y - 10, left + width, y + 2)


def _overlaps(box: Box, others: list[Box]) -> bool:
    return any(box[0] < o[2] and o[0] < box[2] and box[1] < o[3] and o[1] < box[3] for o in others)


def _labels(drivers: tuple[Driver, ...], frame: _Frame) -> str:
    """Each name at the first place around its point that overlaps no other name, point or quadrant name
    (greedy, most important first); when every place is taken, right of the point."""
    points = [(frame.x(d.performance_scaled), frame.y(d.percent)) for d in drivers]
    taken: list[Box] = [(x - 6, y - 6, x + 6, y + 6) for x, y in points]
    taken += [_label_box(x, y, anchor, text) for text, x, y, anchor in QUADRANTS]
    texts = []
    for driver, (x, y) in zip(drivers, points, strict=True):
        candidates = [(x + dx, y + dy, anchor) for dx, dy, anchor in PLACES]
        free = [c for c in candidates if not _overlaps(_label_box(*c, driver.name), taken)]
        lx, ly, anchor = (free or candidates)[0]
        taken.append(_label_box(lx, ly, anchor, driver.name))
        texts.append(
            f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="11" text-anchor="{anchor}">{escape(driver.name)}</text>'
        )
    return "".join(texts)
