"""A small inline SVG line of a weekly series: no axes, the last point marked; gaps where a week had too few
answers. Its numbers are in the tile beside it, so the drawing is decorative for screen readers."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 120, 28, 3


def sparkline(values: Sequence[float | None], label: str) -> Markup:
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return Markup("")
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / max(1, len(values) - 1)
    runs: list[list[str]] = [[]]
    last = (0.0, 0.0)
    for i, value in enumerate(values):
        if value is None:
            runs.append([])
            continue
        last = (PAD + i * step, PAD + (HEIGHT - 2 * PAD) * (1 - (value - low) / span))
        runs[-1].append(f"{last[0]:.1f},{last[1]:.1f}")
    lines = "".join(f'<polyline points="{" ".join(run)}"/>' for run in runs if len(run) > 1)
    return Markup(
        f'<svg class="sparkline" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-label="{escape(label)}">{lines}'
        f'<circle cx="{last[0]:.1f}" cy="{last[1]:.1f}" r="2.2"/></svg>'
    )
