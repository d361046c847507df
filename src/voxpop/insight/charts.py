"""Charts drawn on the server as inline SVG: no script, no external file, readable without JavaScript.
Each chart has a <title> and <desc>; the page shows the same numbers in a table beside it."""

from __future__ import annotations

from html import escape

from voxpop.insight.service import Figure

WIDTH, HEIGHT, PAD = 720, 260, 44


def _y(value: float, low: float, high: float) -> float:
    span = high - low or 1.0
    return HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD)


def trend(figures: list[Figure], key: str, title: str) -> str:
    """A line of the metric over time with its 95 % interval as a band; unreliable points drawn hollow."""
    points = [f for f in figures if f.estimate.value is not None]
    if not points:
        return ""
    lows = [f.estimate.low if f.estimate.low is not None else f.estimate.value or 0.0 for f in points]
    highs = [f.estimate.high if f.estimate.high is not None else f.estimate.value or 0.0 for f in points]
    bottom, top = min(lows), max(highs)
    step = (WIDTH - 2 * PAD) / max(1, len(points) - 1)
    xs = [PAD + i * step for i in range(len(points))]
    band = " ".join(f"{x:.1f},{_y(h, bottom, top):.1f}" for x, h in zip(xs, highs, strict=True))
    band += " " + " ".join(
        f"{x:.1f},{_y(lo, bottom, top):.1f}" for x, lo in reversed(list(zip(xs, lows, strict=True)))
    )
    line = " ".join(
        f"{x:.1f},{_y(f.estimate.value or 0.0, bottom, top):.1f}" for x, f in zip(xs, points, strict=True)
    )
    dots = "".join(
        _dot(x, _y(f.estimate.value or 0.0, bottom, top), f, key) for x, f in zip(xs, points, strict=True)
    )
    labels = "".join(
        f'<text x="{x:.1f}" y="{HEIGHT - 12}" text-anchor="middle" font-size="11">{escape(str(f.keys[key]))}</text>'
        for x, f in zip(xs, points, strict=True)
        if len(points) <= 12 or points.index(f) % 3 == 0
    )
    scale = (
        f'<text x="4" y="{_y(top, bottom, top) + 4:.1f}" font-size="11">{top:.0f}</text>'
        f'<text x="4" y="{_y(bottom, bottom, top) + 4:.1f}" font-size="11">{bottom:.0f}</text>'
    )
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-title chart-desc">'
        f'<title id="chart-title">{escape(title)}</title>'
        f'<desc id="chart-desc">Line with a shaded 95 % interval; hollow points have fewer answers than the minimum. '
        f"The table below holds the same figures.</desc>"
        f'<polygon points="{band}" fill="#0b5cad" fill-opacity="0.15"/>'
        f'<polyline points="{line}" fill="none" stroke="#0b5cad" stroke-width="2"/>{dots}{labels}{scale}</svg>'
    )


def _dot(x: float, y: float, figure: Figure, key: str) -> str:
    fill = "#0b5cad" if figure.estimate.reliable else "#ffffff"
    value = figure.estimate.value or 0.0
    label = f"{figure.keys[key]}: {value:.1f} (n = {figure.estimate.n})"
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{fill}" stroke="#0b5cad"><title>{escape(label)}</title></circle>'
