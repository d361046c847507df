"""`voxpop import FILE`: stream a file into a workspace, with a progress bar and a per-row report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from voxpop import migrations
from voxpop.cli.output import console, emit_json, progress_bar, reports_errors
from voxpop.ingest import service as ingest_service
from voxpop.ingest.mapping import load_mapping
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
) -> None:
    """Import a file. Running it again after a crash resumes; records are never duplicated."""
    if not file.is_file():
        raise Invalid(f"no such file: {file}")
    migrations.ensure_schema()
    with session_scope() as session:
        ws = workspace_service.get_by_name(session, workspace)
        record = ingest_service.register(
            session, ws.id, file, load_mapping(kind, mapping), file_format=file_format
        )
        session.commit()
        resumed = record.rows_done > 0
        if resumed and not as_json:
            console.print(f"Resuming the earlier import of this file after row {record.rows_done:,}.")
        with progress_bar(f"Importing {file.name}", enabled=not as_json) as update:
            record = ingest_service.run(session, record, progress=update)
        summary = ingest_service.describe(record)
        rejections = ingest_service.rejections(
            session, ws.id, record.id, limit=JSON_REJECTIONS if as_json else 10**9
        )
    if report is not None:
        _write_report(report, rejections)
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


def _write_report(path: Path, rejections: list[RejectionOut]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        rows = [(r.row_number, r.field or "", r.reason) for r in rejections]
        spreadsheet.write_csv(handle, ("row", "field", "reason"), rows)


def _print_summary(summary: ImportOut, rejections: list[RejectionOut], report: Path | None) -> None:
    if summary.status == "failed":
        console.print(f"[bold red]Nothing imported:[/] {summary.error}")
        return
    console.print(
        f"[green]Imported {summary.filename}:[/] {summary.rows_created:,} created, {summary.rows_updated:,} updated, "
        f"{summary.rows_rejected:,} rows rejected, of {summary.rows_total or 0:,} rows."
    )
    kept = summary.warnings.get("kept_as_attributes") or []
    if kept:
        console.print(f"Columns kept as attributes: {', '.join(kept)}")
    if rejections:
        table = Table("row", "field", "why", title="Rejected rows")
        for r in rejections[:SHOWN_REJECTIONS]:
            table.add_row(str(r.row_number), r.field or "", r.reason)
        console.print(table)
        if len(rejections) > SHOWN_REJECTIONS and report is None:
            console.print(
                f"…and {len(rejections) - SHOWN_REJECTIONS:,} more: use --report FILE to get them all."
            )
