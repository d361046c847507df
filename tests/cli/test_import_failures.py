"""`voxpop import` on a disk that fills up: one JSON error object with --json, a non-zero exit, no customer's
data in anything it prints, and the same command finishes the import once there is room again.

The disk is real: a small tmpfs mounted for the test (it needs root and the right to mount, as the test
machines and CI have; elsewhere the test is skipped). With --backend=postgresql the database is a
PostgreSQL cluster of the test's own whose data directory is on that small disk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.servers import REPO, own_postgres

ROWS = 30_000


@contextmanager
def small_disk(megabytes: int) -> Iterator[Path]:
    """A tmpfs of `megabytes`, open to every user (PostgreSQL's server runs as `postgres`)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root")
    path = Path(tempfile.mkdtemp(prefix="voxpop-disk-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m,mode=1777", "tmpfs", str(path)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here: {mounted.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)
        path.rmdir()


def grow(path: Path, megabytes: int) -> None:
    subprocess.run(["mount", "-o", f"remount,size={megabytes}m", str(path)], check=True)


def fill(path: Path, leave_megabytes: float) -> None:
    """Take all but `leave_megabytes` of the disk's free space."""
    stats = os.statvfs(path)
    free = stats.f_bavail * stats.f_frsize
    with (path / "filler").open("wb") as handle:
        handle.truncate(0)
        handle.write(b"\0" * max(0, free - int(leave_megabytes * 1024 * 1024)))


def customers_file(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("id,email,phone,name\n")
        for n in range(ROWS):
            handle.write(f"R-{n},customer.{n}@example.com,+1 415 {n:07d},Dana Lee {n}\n")
    return path


def voxpop(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "voxpop", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=REPO,
    )


@pytest.fixture
def database_on_a_small_disk(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[dict[str, str], Path]]:
    """The environment of a voxpop whose database lives on a small disk, and that disk."""
    env = {**os.environ, "VOXPOP_DATA_DIR": str(tmp_path / "data"), "VOXPOP_ENV": "test"}
    with small_disk(120) as disk:
        if request.config.getoption("--backend") == "sqlite":
            env["VOXPOP_DATABASE_URL"] = f"sqlite:///{disk / 'voxpop.db'}"
            yield env, disk
            return
        with own_postgres(data_on=disk) as server:
            env["VOXPOP_DATABASE_URL"] = server.create_database("voxpop")
            yield env, disk


def test_an_import_that_fills_the_disk_says_so_in_json_without_personal_data_then_resumes(
    database_on_a_small_disk: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, disk = database_on_a_small_disk
    source = customers_file(tmp_path / "customers.csv")
    assert voxpop(env, "db", "upgrade").returncode == 0
    assert voxpop(env, "workspace", "create", "Acme", "--json").returncode == 0
    fill(disk, leave_megabytes=2)

    failed = voxpop(env, "import", str(source), "--workspace", "Acme", "--kind", "customers", "--json")
    assert failed.returncode == 1, failed.stderr
    error = json.loads(failed.stdout)["error"]
    assert error["code"] == "no_space", error
    assert error["message"].startswith("the disk is full (")
    assert "run the same command again" in error["message"]
    printed = failed.stdout + failed.stderr
    for personal in ("@example.com", "customer.1", "+1 415", "+1415", "Dana Lee"):
        assert personal not in printed, f"{personal!r} was printed:\n{printed[:3000]}"
    assert "Traceback" not in printed

    (disk / "filler").unlink()
    grow(disk, 400)
    resumed = voxpop(env, "import", str(source), "--workspace", "Acme", "--kind", "customers", "--json")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    summary = json.loads(resumed.stdout)
    assert (summary["status"], summary["rows_total"], summary["rows_rejected"]) == ("done", ROWS, 0)
    assert summary["rows_created"] == ROWS  # the rows of chunks committed before the disk filled counted once
