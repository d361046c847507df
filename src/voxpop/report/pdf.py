"""The overview dashboard as a PDF, drawn in pure Python (reportlab): the headline figures with their 95 %
intervals, n and the unreliable mark, the metric's trend with its interval band, and the volumes by channel.
Needs no browser, so it works on a fresh machine."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from voxpop.insight.service import Figure, Overview

WIDTH, HEIGHT = A4
MARGIN = 50.0
BLUE = colors.HexColor("#0b5cad")
TILES = {
    "nps": ("NPS", "{:+.0f}"),
    "csat": ("CSAT %", "{:.0f} %"),
    "ces": ("CES (1-7)", "{:.2f}"),
    "rating": ("Stars (1-5)", "{:.2f}"),
}


def _tile(canvas: Canvas, x: float, y: float, metric: str, figure: Figure, min_n: int) -> None:
    label, fmt = TILES[metric]
    e = figure.estimate
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawString(x, y, label)
    canvas.setFont("Helvetica-Bold", 18)
    canvas.drawString(x, y - 22, "-" if e.value is None else fmt.format(e.value))
    canvas.setFont("Helvetica", 8)
    canvas.drawString(x, y - 36, f"n = {e.n:,}")
    if e.low is not None and e.high is not None:
        canvas.drawString(x, y - 47, f"95 % CI {fmt.format(e.low)} to {fmt.format(e.high)}")
    if not e.reliable:
        canvas.setFillColor(colors.HexColor("#a33"))
        canvas.drawString(x, y - 58, f"unreliable (n < {min_n})")
        canvas.setFillColor(colors.black)


def _scale(value: float, low: float, high: float, bottom: float, height: float) -> float:
    return bottom + (value - low) / ((high - low) or 1.0) * height


def _trend(canvas: Canvas, figures: Sequence[Figure], key: str, top: float, height: float = 150.0) -> None:
    """A line with its interval band; hollow points where n is below the minimum."""
    points = [f for f in figures if f.estimate.value is not None]
    if not points:
        canvas.setFont("Helvetica", 9)
        canvas.drawString(MARGIN, top - 12, "No answers in this slice.")
        return
    lows = [f.estimate.low if f.estimate.low is not None else f.estimate.value or 0.0 for f in points]
    highs = [f.estimate.high if f.estimate.high is not None else f.estimate.value or 0.0 for f in points]
    low, high, bottom = min(lows), max(highs), top - height
    step = (WIDTH - 2 * MARGIN - 30) / max(1, len(points) - 1)
    xs = [MARGIN + 30 + i * step for i in range(len(points))]
    band = canvas.beginPath()
    band.moveTo(xs[0], _scale(highs[0], low, high, bottom, height))
    for x, value in [*zip(xs, highs, strict=True), *reversed(list(zip(xs, lows, strict=True)))]:
        band.lineTo(x, _scale(value, low, high, bottom, height))
    band.close()
    canvas.setFillColor(colors.HexColor("#cfe0f3"))
    canvas.drawPath(band, stroke=0, fill=1)
    ys = [_scale(f.estimate.value or 0.0, low, high, bottom, height) for f in points]
    canvas.setStrokeColor(BLUE)
    canvas.lines([(x1, y1, x2, y2) for x1, y1, x2, y2 in zip(xs, ys, xs[1:], ys[1:], strict=False)])
    canvas.setFont("Helvetica", 7)
    every = -(-len(points) // 12)  # at most 12 labels under the axis
    for i, (x, y, f) in enumerate(zip(xs, ys, points, strict=True)):
        canvas.setFillColor(BLUE if f.estimate.reliable else colors.white)
        canvas.circle(x, y, 2.5, stroke=1, fill=1)
        canvas.setFillColor(colors.black)
        if i % every == 0:
            canvas.drawCentredString(x, bottom - 12, str(f.keys[key]))
    canvas.drawString(MARGIN, top - 4, f"{high:.0f}")
    canvas.drawString(MARGIN, bottom, f"{low:.0f}")


def _rows(canvas: Canvas, y: float, header: Sequence[str], rows: Sequence[Sequence[str]]) -> float:
    columns = [MARGIN + i * (WIDTH - 2 * MARGIN) / len(header) for i in range(len(header))]
    canvas.setFont("Helvetica-Bold", 8)
    for x, text in zip(columns, header, strict=True):
        canvas.drawString(x, y, text)
    canvas.setFont("Helvetica", 8)
    for row in rows:
        y -= 11
        if y < MARGIN:
            canvas.showPage()
            canvas.setFont("Helvetica", 8)
            y = HEIGHT - MARGIN
        for x, text in zip(columns, row, strict=True):
            canvas.drawString(x, y, text)
    return y - 20


def _figure_row(key: str, f: Figure, min_n: int) -> list[str]:
    e = f.estimate
    interval = "-" if e.low is None or e.high is None else f"{e.low:.1f} to {e.high:.1f}"
    note = "" if e.reliable else f"unreliable (n < {min_n})"
    return [str(f.keys[key]), "-" if e.value is None else f"{e.value:.1f}", interval, f"{e.n:,}", note]


def overview_pdf(
    title: str,
    filters: str,
    overview: Overview,
    trend: tuple[str, str, Sequence[Figure]],
    min_n: int,
) -> bytes:
    """`trend` is (its title, its time key, its figures)."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=0)
    canvas.setTitle(title)
    y = HEIGHT - MARGIN
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(MARGIN, y, title)
    canvas.setFont("Helvetica", 9)
    canvas.drawString(MARGIN, y - 16, f"{filters}. {overview.total:,} records.")
    y -= 50
    for i, (metric, figure) in enumerate(overview.scores.items()):
        _tile(canvas, MARGIN + i * (WIDTH - 2 * MARGIN) / 4, y, metric, figure, min_n)
    trend_title, key, figures = trend
    y -= 90
    canvas.setFont("Helvetica-Bold", 11)
    canvas.drawString(MARGIN, y, f"{trend_title} (line: value; band: 95 % interval; hollow: unreliable)")
    _trend(canvas, figures, key, y - 10)
    y = _rows(
        canvas,
        y - 200,
        [key, "value", "95 % interval", "n", "note"],
        [_figure_row(key, f, min_n) for f in figures],
    )
    _rows(canvas, y, ["channel", "records"], [[channel, f"{n:,}"] for channel, n in overview.by_channel])
    canvas.save()
    return out.getvalue()
