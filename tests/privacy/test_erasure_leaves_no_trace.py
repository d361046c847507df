"""After a customer is erased, their words are soon nowhere in the SQLite files: not in the database's free
pages (`secure_delete`) and not in the write-ahead log (a job queued by the erasure checkpoints and truncates
it, retried while a reader holds the log)."""

from __future__ import annotations

import subprocess
import time
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.factories import feedback, make_tenant, post
from voxpop.kit.db import checkpoint_erased


def sqlite_files(database_url: str) -> list[Path]:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's files only")
    path = Path(database_url.removeprefix("sqlite:///"))
    return [path, path.with_name(path.name + "-wal")]


def held_on_disk(files: list[Path], marker: str) -> list[str]:
    """The files that hold `marker`, searched by grep in a process of its own: opening and closing the
    database file in this process would drop the POSIX locks SQLite's connections here hold on it."""
    found = subprocess.run(
        ["grep", "-l", "-a", "-F", marker, *map(str, files)], capture_output=True, text=True
    )
    return [Path(line).name for line in found.stdout.splitlines()]


def test_an_erased_customers_words_stay_in_no_database_file(
    http: httpx.Client, session: Session, database_url: str
) -> None:
    files = sqlite_files(database_url)
    tenant = make_tenant(session)
    session.rollback()  # the test's own session holds no snapshot that would keep the log from emptying
    marker = "zq" + uuid.uuid4().hex
    who = {"email": f"{marker}@example.com", "name": f"Ada {marker}"}
    for n in range(3):
        body = feedback(text=f"My parcel {marker} arrived broken ({n}).", customer=who)
        assert post(http, tenant, "/api/v1/feedback", body).status_code == 201
    found = http.get("/api/v1/customers/lookup", params={"identity": who["email"]}, headers=tenant.headers())
    assert held_on_disk(files, marker), "the marker is written before the erasure"
    reply = http.delete(f"/api/v1/customers/{found.json()['id']}", headers=tenant.headers())
    assert reply.status_code == 200, reply.text
    deadline = time.monotonic() + 20
    while held_on_disk(files, marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert held_on_disk(files, marker) == []
    assert held_on_disk(files, marker.upper()) == []


def test_the_checkpoint_empties_the_log_when_no_reader_holds_it(database_url: str) -> None:
    assert checkpoint_erased() is True


def test_sqlite_connections_overwrite_deleted_content(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("a SQLite setting")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
