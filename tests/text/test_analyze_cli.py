"""`voxpop analyze FILE`: the pipeline over a file, nothing stored, one JSON line per input row."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.cli.test_commands import voxpop
from tests.text.factories import verbatims
from voxpop.feedback.models import Feedback


def test_a_csv_file_gives_one_json_line_per_row_with_everything_the_pipeline_found(
    session: Session, tmp_path: Path
) -> None:
    rows = [
        "id,comment",
        '1,"Delivery was slow but the driver was lovely. Mail me at jo@example.com"',
        "2,",
        '3,"I am cancelling my account."',
    ]
    source = tmp_path / "comments.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    done = voxpop("analyze", str(source), "--column", "comment")
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["row"] for line in lines] == [1, 2, 3]
    first, empty, churn = lines
    assert first["language"] == "en" and first["redactions"] == {"email": 1} and "[email]" in first["text"]
    assert [s["text"] for s in first["sentences"]][:2] == ["Delivery was slow", "but the driver was lovely."]
    assert all(-1 <= s["sentiment"]["score"] <= 1 for s in first["sentences"])
    assert empty["flags"] == ["empty"] and empty["sentiment"] is None
    assert churn["signals"][0]["kind"] == "churn_intent"
    assert session.scalar(select(func.count()).select_from(Feedback)) == 0  # nothing stored


def test_plain_text_gets_themes_discovered_from_the_file_itself(tmp_path: Path) -> None:
    source = tmp_path / "verbatims.txt"
    source.write_text("\n".join(text for _, text in verbatims(30)) + "\n", encoding="utf-8")
    done = voxpop("analyze", str(source), "--format", "txt", "--output", str(tmp_path / "out.jsonl"))
    assert done.stdout == ""
    results = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(results) == 90
    assert sum(1 for r in results if r["themes"]) >= 80
    assert len({theme for r in results for theme in r["themes"]}) >= 3


def test_a_missing_column_or_file_is_a_precise_error(tmp_path: Path) -> None:
    source = tmp_path / "comments.csv"
    source.write_text("id,comment\n1,hello\n", encoding="utf-8")
    wrong = voxpop("analyze", str(source), "--column", "text", check=False)
    assert wrong.returncode == 1 and "has no column 'text'" in wrong.stderr and "comment" in wrong.stderr
    missing = voxpop("analyze", str(tmp_path / "nope.csv"), check=False)
    assert missing.returncode == 1 and "no such file" in missing.stderr
