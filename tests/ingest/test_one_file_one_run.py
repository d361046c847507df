"""An import reads the file it registered, whole, once: a file changed under it fails the import with what
changed, and two runs of the same file at the same time make one import (the second follows the first)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import make_workspace, writing
from voxpop.feedback.models import Feedback
from voxpop.ingest import service
from voxpop.ingest.mapping import parse_mapping
from voxpop.ingest.models import Import
from voxpop.kit.settings import get_settings

HEADER = "id,date,nps,comment\n"


def rows(count: int, start: int = 0) -> str:
    return "".join(f"R{n},2025-01-02,{n % 11},comment {n:06d}\n" for n in range(start, start + count))


@pytest.fixture
def chunks_of_two(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("VOXPOP_IMPORT_CHUNK_ROWS", "2")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def register(session: Session, workspace_id: uuid.UUID, path: Path) -> Import:
    with writing(session) as writer:
        record = service.register(writer, workspace_id, path, parse_mapping("feedback", None))
        writer.commit()
        return record


def run(session: Session, record_id: uuid.UUID, progress: service.Progress | None = None) -> Import:
    with writing(session) as writer:
        record = writer.get(Import, record_id)
        assert record is not None
        return service.run(writer, record, progress=progress)


def stored(session: Session, workspace_id: uuid.UUID) -> int:
    session.rollback()
    return session.scalar(select(func.count()).where(Feedback.workspace_id == workspace_id)) or 0


def test_a_file_truncated_during_the_import_fails_saying_what_changed(
    session: Session, tmp_path: Path, chunks_of_two: None
) -> None:
    workspace_id = make_workspace(session)
    path = tmp_path / "f.csv"
    path.write_text(HEADER + rows(10))
    record = register(session, workspace_id, path)

    def truncate_after_the_first_chunk(done: int, _total: int | None) -> None:
        if done == 2:
            with path.open("r+") as handle:
                handle.truncate(len(HEADER + rows(3)))

    finished = run(session, record.id, truncate_after_the_first_chunk)
    assert (finished.status, finished.rows_done) == ("failed", 2)
    assert finished.error is not None and finished.error.startswith(
        "f.csv changed while it was being imported: "
    )
    assert f"it had {len(HEADER + rows(10)):,} bytes" in finished.error
    assert f"it now has {len(HEADER + rows(3)):,} bytes" in finished.error
    assert "the 2 rows stored before the change stay" in finished.error


def test_a_file_replaced_by_another_of_the_same_size_fails_before_finishing(
    session: Session, tmp_path: Path, chunks_of_two: None
) -> None:
    workspace_id = make_workspace(session)
    path = tmp_path / "f.csv"
    path.write_text(HEADER + rows(10))
    other = tmp_path / "other.csv"
    other.write_text(HEADER + rows(10).replace("comment ", "COMMENT "))
    assert other.stat().st_size == path.stat().st_size
    record = register(session, workspace_id, path)

    def replace_after_the_first_chunk(done: int, _total: int | None) -> None:
        if done == 2:
            other.replace(path)

    finished = run(session, record.id, replace_after_the_first_chunk)
    assert finished.status == "failed"
    assert finished.error is not None and "changed while it was being imported" in finished.error


def test_a_file_changed_before_its_import_resumes_fails_without_reading_it(
    session: Session, tmp_path: Path
) -> None:
    workspace_id = make_workspace(session)
    path = tmp_path / "f.csv"
    path.write_text(HEADER + rows(10))
    record = register(session, workspace_id, path)
    path.write_text(HEADER + rows(4))
    finished = run(session, record.id)
    assert (finished.status, finished.rows_done) == ("failed", 0)
    assert finished.error is not None
    assert finished.error.startswith("f.csv changed since the import was registered")
    assert finished.error.endswith("; nothing was stored")
    assert stored(session, workspace_id) == 0


def test_two_runs_of_the_same_file_at_once_make_one_import_with_true_counts(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOXPOP_IMPORT_CHUNK_ROWS", "25")
    get_settings.cache_clear()
    workspace_id = make_workspace(session)
    path = tmp_path / "f.csv"
    path.write_text(HEADER + rows(1000))
    start = threading.Barrier(2)
    outcomes: list[Import] = []
    errors: list[BaseException] = []

    def import_it() -> None:
        try:
            start.wait(timeout=60)
            record = register(session, workspace_id, path)
            outcomes.append(run(session, record.id))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=import_it) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    get_settings.cache_clear()
    assert errors == []
    assert {o.id for o in outcomes} == {outcomes[0].id}
    for outcome in outcomes:
        assert (outcome.status, outcome.rows_created, outcome.rows_updated) == ("done", 1000, 0)
    assert stored(session, workspace_id) == 1000
    imports = session.scalar(select(func.count()).where(Import.workspace_id == workspace_id))
    assert imports == 1
