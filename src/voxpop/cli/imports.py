"""`voxpop import FILE`: stream a file into a workspace, with a progress bar and a per-row report."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from voxpop import migrations
from voxpop.cli.output import console, emit_json, progress_bar, reports_errors
from voxpop.ingest import service as ingest_service
from voxpop.ingest.mapping import MAX_SKIP_LINES, load_mapping
from voxpop.ingest.schemas import ImportOut, RejectionOut
from voxpop.kit import spreadsheet
from voxpop.kit.db import session_scope
from voxpop.kit.errors import Invalid
from voxpop.workspace import service as workspace_service

SHOWN_REJECTIONS = 20
JSON_REJECTIONS = 1000


@reports_errors
def import_file(
    file: Annotated[Path, typer.Argument(help="CSV, JSON (array) or JSON Lines file.")],
    workspace: Annotated[str, typer.Option("--workspace", "-w", help="Workspace name.")],
    kind: Annotated[str, typer.Option(help="feedback, customers or events")] = "feedback",
    mapping: Annotated[
        Path | None, typer.Option(help="Mapping file (JSON or TOML); guessed if left out.")
    ] = None,
    file_format: Annotated[
        str | None, typer.Option("--format", help="csv, json or jsonl; by extension if left out.")
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="Write every rejected row (row, field, reason) to this CSV.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object to stdout.")] = False,
    skip_lines: Annotated[
        int | None,
        typer.Option(
            "--skip-lines",
            min=0,
            max=MAX_SKIP_LINES,
            help="CSV: lines above the header row; looked for if left out.",
        ),
    ] = None,
) -> None:
    """Import a file. Running it again after a crash resumes; records are never duplicated."""
    if not file.is_file():
        raise Invalid(f"no such file: {file}")
    migrations.ensure_schema()
    with session_scope() as session:
        ws = workspace_service.get_by_name(session, workspace)
        chosen = load_mapping(kind, mapping)
        if skip_lines is not None:
            chosen.skip_lines = skip_lines
        record = ingest_service.register(session, ws.id, file, chosen, file_format=file_format)
        session.commit()
        resumed = record.rows_done > 0
        if resumed and not as_json:
            console.print(f"Resuming the earlier import of this file after row {record.rows_done:,}.")
        with progress_bar(f"Importing {file.name}", enabled=not as_json) as update:
            record = ingest_service.run(session, record, progress=update)
        summary = ingest_service.describe(record)
        rejections = ingest_service.rejections(
            session, ws.id, record.id, limit=JSON_REJECTIONS if as_json else SHOWN_REJECTIONS
        )
        if report is not None:
            _write_report(report, ingest_service.each_rejection(session, ws.id, record.id))
    if as_json:
        emit_json(
            {
                **summary.model_dump(mode="json"),
                "resumed": resumed,
                "rejections": [r.model_dump() for r in rejections],
            }
        )
    else:
        _print_summary(summary, rejections, report)
    if summary.status == "failed":
        raise typer.Exit(1)


def _write_report(path: Path, rejections: Iterable[RejectionOut]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        rows = [(r.row_number, r.field or "", r.reason) for r in rejections]
        spreadsheet.write_csv(handle, ("row", "field", "reason"), rows)


def _print_summary(summary: ImportOut, rejections: list[RejectionOut], report: Path | None) -> None:
    counts = (
        f"{summary.rows_created:,} created, {summary.rows_updated:,} updated, "
        f"{summary.rows_rejected:,} rows rejected, of {summary.rows_total or 0:,} rows."
    )
    if summary.status == "failed":
        stored = summary.rows_created + summary.rows_updated
        console.print(f"[bold red]{'Import failed' if stored else 'Nothing imported'}:[/] {summary.error}")
        if stored:
            console.print(f"Before it stopped: {counts}")
    else:
        console.print(f"[green]Imported {summary.filename}:[/] {counts}")
        kept = summary.warnings.get("kept_as_attributes") or []
        if kept:
            console.print(f"Columns kept as attributes: {', '.join(kept)}")
    if rejections:
        _print_rejections(summary, rejections, report)


def _print_rejections(summary: ImportOut, rejections: list[RejectionOut], report: Path | None) -> None:
    """A sample of the rejections, and how many more there are: never all of them (there may be millions)."""
    table = Table("row", "field", "why", title="Rejected rows")
    for r in rejections[:SHOWN_REJECTIONS]:
        table.add_row(str(r.row_number), r.field or "", r.reason)
    console.print(table)
    shown_rows = len({r.row_number for r in rejections[:SHOWN_REJECTIONS]})
    if summary.rows_rejected > shown_rows and report is None:
        console.print(
            f"…and {summary.rows_rejected - shown_rows:,} more rejected rows: use --report FILE to get them all."
        )
