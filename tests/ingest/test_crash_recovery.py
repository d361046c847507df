"""Killing `voxpop import` in the middle of a large file and running it again stores every row exactly once.

The row count is VOXPOP_TEST_KILL_ROWS (200,000 by default, to keep the suite quick; the 1,000,000-row run
is recorded in docs/benchmarks.md)."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import make_workspace
from voxpop.feedback.models import Feedback
from voxpop.ingest.models import Import

ROWS = int(os.environ.get("VOXPOP_TEST_KILL_ROWS", "200000"))


def _write_file(path: Path, rows: int) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "date", "email", "nps", "comment"])
        for i in range(rows):
            writer.writerow(
                [f"R{i}", "2025-03-04T10:00:00Z", f"c{i % 5000}@example.com", i % 11, f"comment {i}"]
            )


def _voxpop(*args: str) -> list[str]:
    return [sys.executable, "-m", "voxpop", *args]


def _rows_done(session: Session, workspace_id: uuid.UUID) -> int:
    session.rollback()
    return session.scalar(select(func.max(Import.rows_done)).where(Import.workspace_id == workspace_id)) or 0


def test_a_killed_import_run_again_stores_every_row_exactly_once(session: Session, tmp_path: Path) -> None:
    workspace_id = make_workspace(session, name="crash-test")
    path = tmp_path / "big.csv"
    _write_file(path, ROWS)
    command = _voxpop("import", str(path), "--workspace", "crash-test", "--json")
    first = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while _rows_done(session, workspace_id) < ROWS // 4 and time.monotonic() < deadline:
        assert first.poll() is None, "the import ended before it could be killed"
        time.sleep(0.1)
    first.send_signal(signal.SIGKILL)
    first.wait()
    killed_at = _rows_done(session, workspace_id)
    assert 0 < killed_at < ROWS

    second = subprocess.run(command, capture_output=True, text=True, timeout=900, check=True)
    summary = json.loads(second.stdout)
    assert summary["status"] == "done" and summary["resumed"] is True
    session.rollback()
    assert session.scalar(select(func.count()).where(Feedback.workspace_id == workspace_id)) == ROWS
    distinct = select(func.count(func.distinct(Feedback.external_id))).where(
        Feedback.workspace_id == workspace_id
    )
    assert session.scalar(distinct) == ROWS
