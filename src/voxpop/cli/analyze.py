"""`voxpop analyze FILE`: the text pipeline over a file, nothing stored; one JSON line per input row."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from voxpop.cli.output import progress_bar, reports_errors
from voxpop.kit.db import new_session
from voxpop.kit.settings import get_settings
from voxpop.text import batch, service, themes
from voxpop.workspace import service as workspace_service


@reports_errors
def analyze(
    file: Annotated[Path, typer.Argument(help="CSV, JSON, JSON Lines or plain text (one record per line).")],
    column: Annotated[str, typer.Option(help="The column (or JSON key) that holds the text.")] = "text",
    file_format: Annotated[
        Literal["csv", "json", "jsonl", "txt"] | None,
        typer.Option("--format", help="Default: from the name."),
    ] = None,
    workspace: Annotated[
        str | None, typer.Option("--workspace", "-w", help="Use this workspace's curated themes.")
    ] = None,
    output: Annotated[Path | None, typer.Option(help="Write here instead of stdout.")] = None,
    discover_from: Annotated[
        int, typer.Option(min=1, help="Without --workspace: discover themes from this many first rows.")
    ] = batch.DISCOVERY_RECORDS,
) -> None:
    """Language, redacted text, sentiment per record and sentence, themes and signals, as JSON Lines.

    Lines are written as records are done, with a progress bar on stderr. Without --workspace, themes are
    discovered from the file's first rows
    (--discover-from) and later rows are assigned to them."""
    settings = get_settings()
    total, rows = batch.rows_of(file, file_format, column)
    theme_set = _themes_of(workspace) if workspace else None
    sink = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        with progress_bar(f"Analysing {file.name}") as update:
            results = batch.analyse_rows(
                rows,
                service.options(settings),
                theme_set,
                settings.theme_min_similarity,
                lambda done: update(done, total),
                discover_from,
            )
            for result in results:
                sink.write(json.dumps(result, ensure_ascii=False, default=str) + "\n")
                sink.flush()  # each line as soon as its record is done, even into a pipe
    finally:
        if output:
            sink.close()


def _themes_of(name: str) -> themes.ThemeSet:
    with new_session(write=False) as session:
        workspace = workspace_service.get_by_name(session, name)
        return themes.theme_set(session, workspace.id)
