"""A file that yields nothing is a failed import that says why, and the command exits non-zero; chatter
lines above the header row (a title, an export date) are found and skipped, or skipped as told."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

from sqlalchemy.orm import Session

from tests.factories import make_workspace, writing
from voxpop.ingest import service
from voxpop.ingest.mapping import parse_mapping
from voxpop.ingest.models import Import

CHATTER = "Customer survey export\nGenerated 2025-03-01 by SurveyTool, all responses\n"
ROWS = "id,date,nps,comment\n1,2025-01-02,9,Great\n2,2025-01-03,3,Slow\n3,2025-01-04,7,Fine\n"


def run_import(session: Session, workspace_id: uuid.UUID, path: Path, mapping: str | None = None) -> Import:
    with writing(session) as writer:
        record = service.register(writer, workspace_id, path, parse_mapping("feedback", mapping))
        writer.commit()
        return service.run(writer, record)


def test_a_file_whose_every_row_is_rejected_fails_with_the_most_common_reason(
    session: Session, tmp_path: Path
) -> None:
    path = tmp_path / "survey.csv"
    path.write_text(
        "StartDate,ResponseId,Q1,Q2\n2025-01-02,R_1,2,3\n2025-01-03,R_2,1,4\n2025-01-03,R_3,1,x\n"
    )
    record = run_import(session, make_workspace(session), path)
    assert (record.status, record.rows_rejected) == ("failed", 3)
    assert record.error == (
        "no row could be imported: all 3 rows were rejected; the most common reason, for 3 rows: "
        "a feedback record needs text, a title or at least one score"
    )


def test_a_header_with_no_rows_fails(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("id,date,nps,comment\n")
    record = run_import(session, make_workspace(session), path)
    assert (record.status, record.error) == (
        "failed",
        "no row could be read: empty.csv holds a header but no rows",
    )


def test_chatter_above_the_header_is_found_and_skipped(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(CHATTER + ROWS)
    record = run_import(session, make_workspace(session), path)
    assert (record.status, record.rows_created, record.rows_rejected) == ("done", 3, 0)
    assert record.warnings["skipped_lines"] == 2 and record.warnings["columns"]["comment"] == "text"


def test_skip_lines_can_be_given_and_a_wrong_one_fails_pointing_at_the_header(
    session: Session, tmp_path: Path
) -> None:
    workspace_id = make_workspace(session)
    path = tmp_path / "export.csv"
    path.write_text("Weekly export\n" + CHATTER + ROWS)
    told = run_import(session, workspace_id, path, json.dumps({"options": {"skip_lines": 3}}))
    assert (told.status, told.rows_created) == ("done", 3)
    wrong = run_import(session, workspace_id, path, json.dumps({"options": {"skip_lines": 0}}))
    assert wrong.status == "failed" and wrong.rows_rejected == 6
    assert wrong.error is not None and wrong.error.endswith(
        "— the header looks like it is on line 4: skip 3 lines (skip_lines in the mapping's options, --skip-lines)"
    )


def test_the_command_exits_non_zero_on_a_file_that_yields_nothing_and_takes_skip_lines(
    session: Session, tmp_path: Path
) -> None:
    def voxpop(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "voxpop", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    assert voxpop("workspace", "create", "chatter").returncode == 0
    path = tmp_path / "export.csv"
    path.write_text(CHATTER + ROWS)
    failed = voxpop("import", str(path), "--workspace", "chatter", "--skip-lines", "1")
    assert failed.returncode == 1, failed.stdout
    assert "header looks like it is on line 3" in " ".join((failed.stdout + failed.stderr).split())
    done = voxpop("import", str(path), "--workspace", "chatter", "--skip-lines", "2", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["rows_created"] == 3
