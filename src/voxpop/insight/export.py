"""Every table a page shows downloads as CSV or XLSX through one function, `download`; each page builds its
tables with the builders here, so the file holds the same numbers as the page (unrounded), with n and the
reliability mark wherever a figure is. Files are written by `kit.spreadsheet`, so no cell is a live formula."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fastapi.responses import Response

from voxpop.insight.changes import Change
from voxpop.insight.drivers import DriverAnalysis
from voxpop.insight.journey import Precursor
from voxpop.insight.metrics import Estimate
from voxpop.insight.service import Figure
from voxpop.kit import spreadsheet
from voxpop.kit.errors import Invalid, NotFound, Problem

Cell = spreadsheet.Cell


@dataclass(frozen=True)
class Table:
    """A table as it downloads: a file name (without extension), the header, and the rows."""

    name: str
    header: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


def _estimate(e: Estimate) -> tuple[Cell, ...]:
    return e.value, e.low, e.high, e.n, e.reliable


ESTIMATE_HEADER = ("value", "ci_low", "ci_high", "n", "reliable")


def figures_table(name: str, by: Sequence[str], figures: Sequence[Figure]) -> Table:
    rows = [(*(f.keys[k] for k in by), *_estimate(f.estimate)) for f in figures]
    return Table(name, (*by, *ESTIMATE_HEADER), rows)


def counts_table(name: str, key: str, counts: Sequence[tuple[str, int]]) -> Table:
    return Table(name, (key, "records"), [(k, n) for k, n in counts])


CHANGE_HEADER = (
    *("segment", "difference", "ci_low", "ci_high", "now_value", "now_n", "now_reliable"),
    *("before_value", "before_n", "before_reliable", "test", "p_value", "q_value", "significant"),
)


def _change_row(change: Change) -> tuple[Cell, ...]:
    c = change.comparison
    segment = ", ".join(f"{k}={v}" for k, v in change.keys.items()) or "all"
    return (segment, c.difference, c.low, c.high, c.a.value, c.a.n, c.a.reliable, c.b.value, c.b.n, c.b.reliable,
            c.test, c.p_value, change.q_value, change.significant)  # fmt: skip


def changes_table(name: str, changes: Sequence[Change]) -> Table:
    return Table(name, CHANGE_HEADER, [_change_row(change) for change in changes])


def _precursor_row(p: Precursor) -> tuple[Cell, ...]:
    c = p.comparison
    return p.key, c.a.value, c.b.value, c.difference, c.p_value, p.q_value, p.significant


def precursors_table(name: str, precursors: Sequence[Precursor]) -> Table:
    header = (
        "event",
        "detractors_share",
        "promoters_share",
        "difference",
        "p_value",
        "q_value",
        "significant",
    )
    rows = [_precursor_row(p) for p in precursors]
    return Table(name, header, rows)


def drivers_table(name: str, analysis: DriverAnalysis) -> Table:
    header = ("rank", "predictor", "share_of_r2_percent", "ci_low_percent", "ci_high_percent", "performance")
    rows: list[tuple[Cell, ...]] = [
        (d.rank, d.name, d.percent, d.percent_low, d.percent_high, d.performance_scaled)
        for d in analysis.drivers
    ]
    return Table(name, (*header, "n"), [(*row, analysis.n) for row in rows])


def to_csv(table: Table) -> bytes:
    return spreadsheet.csv_bytes(table.header, table.rows)


def to_xlsx(table: Table) -> bytes:
    return spreadsheet.xlsx_bytes(table.name, table.header, table.rows)


FORMATS: dict[str, tuple[Callable[[Table], bytes], str]] = {
    "csv": (to_csv, "text/csv; charset=utf-8"),
    "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def download(tables: Sequence[Table], name: str, file_format: str) -> Response:
    """The table called `name` as a file in `file_format` (csv or xlsx)."""
    if file_format not in FORMATS:
        raise Invalid(
            f"unknown format {file_format!r}", [Problem(f"use one of: {', '.join(FORMATS)}", field="format")]
        )
    table = next((t for t in tables if t.name == name), None)
    if table is None:
        raise NotFound(f"table {name!r}")
    write, media_type = FORMATS[file_format]
    return Response(
        write(table),
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{spreadsheet.file_name(table.name)}.{file_format}"'
        },
    )
