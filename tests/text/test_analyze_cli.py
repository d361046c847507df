"""`voxpop analyze FILE`: the pipeline over a file, nothing stored, one JSON line per input row."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.cli.test_commands import voxpop
from tests.text.factories import verbatims
from voxpop.feedback.models import Feedback
from voxpop.text import batch
from voxpop.text.components import Options


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


def test_results_stream_batch_by_batch_without_reading_the_whole_file_first() -> None:
    read = 0

    def rows() -> Iterator[batch.Row]:
        nonlocal read
        for number, (_, text) in enumerate(verbatims(80), start=1):
            read = number
            yield number, text, None

    results = batch.analyse_rows(rows(), Options(), None, 0.4, discover_from=batch.BATCH)
    first = next(results)
    assert first["row"] == 1 and read == batch.BATCH
    assert len([first, *results]) == 240 and read == 240


def test_without_a_workspace_later_rows_get_the_themes_found_in_the_first_ones() -> None:
    texts = [text for _, text in verbatims(40)]
    rows = ((number, text, None) for number, text in enumerate(texts * 2, start=1))
    results = list(batch.analyse_rows(rows, Options(), None, 0.4, discover_from=len(texts)))
    first, second = results[: len(texts)], results[len(texts) :]
    assert [r["themes"] for r in second] == [r["themes"] for r in first]
    assert len({theme for r in first for theme in r["themes"]}) >= 3


def test_the_command_writes_lines_while_it_works_and_shows_progress_on_a_terminal(tmp_path: Path) -> None:
    source = tmp_path / "verbatims.txt"
    source.write_text("\n".join(text for _, text in verbatims(300)) + "\n", encoding="utf-8")
    terminal, stderr = pty.openpty()
    command = [sys.executable, "-m", "voxpop", "analyze", str(source), "--discover-from", "64"]
    env = {**os.environ, "COLUMNS": "100"}
    shown: list[str] = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True, env=env) as process:
        os.close(stderr)
        reader = threading.Thread(target=lambda: shown.append(_read_all(terminal)))
        reader.start()  # the terminal is read meanwhile, so the progress bar never fills it and blocks
        assert process.stdout is not None
        first = json.loads(process.stdout.readline())
        still_working = process.poll() is None
        rest = process.stdout.readlines()
        process.wait(timeout=120)
        reader.join(timeout=30)
    assert first["row"] == 1 and still_working and len(rest) == 899 and process.returncode == 0
    assert "Analysing verbatims.txt" in shown[0] and "900/900" in shown[0]


def _read_all(descriptor: int) -> str:
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(descriptor, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(descriptor)
    return b"".join(chunks).decode("utf-8", errors="replace")
