"""Servers a test starts itself: the app served by uvicorn on a free port of 127.0.0.1 (on a thread of the
test process), and servers it owns so it can stop and start them: a Redis and a PostgreSQL cluster on free
ports in a temporary directory (never the shared ones), and `voxpop worker` processes pointed at them."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pytest
import uvicorn
from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: Any, lifespan: Literal["auto", "on", "off"] = "auto", **config: Any) -> Iterator[str]:
    """The app's base URL while it is served; `lifespan="off"` leaves the job runner alone."""
    port = free_port()
    options = {"log_level": "warning", **config}
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan=lifespan, **options))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def wait_for(condition: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {seconds:g} s")


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class OwnRedis:
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        self.process = subprocess.Popen([*command, "--appendonly", "no"], stdout=subprocess.DEVNULL)
        wait_for(lambda: _port_open(self.port), 20, "Redis starting")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=20)
            self.process = None


@contextmanager
def own_redis() -> Iterator[OwnRedis]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = OwnRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


@dataclass
class OwnPostgres:
    """A PostgreSQL cluster of its own (run as the `postgres` user when the test runs as root)."""

    bin: Path
    directory: Path
    port: int = field(default_factory=free_port)
    wal_directory: Path | None = None

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def init(self) -> None:
        data = str(self.directory / "data")
        wal = ["--waldir", str(self.wal_directory)] if self.wal_directory else []
        self._run(str(self.bin / "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", *wal)

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} -c fsync=off"
        log = str(self.directory / "server.log")
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.directory / "data"),
            "-l",
            log,
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self) -> None:
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.directory / "data"), "-m", "immediate", "-w", "stop"
        )

    def create_database(self, name: str) -> str:
        engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.url.rsplit("/", 1)[0] + f"/{name}"


@contextmanager
def own_postgres(data_on: Path | None = None) -> Iterator[OwnPostgres]:
    """A cluster in a temporary directory; with `data_on`, its data files (not its WAL) on that disk."""
    binaries = _postgres_bin()
    if binaries is None:
        pytest.skip("PostgreSQL server binaries are not installed")
    directory = Path(tempfile.mkdtemp(prefix="voxpop-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    wal = None
    if data_on is not None:
        wal, directory = directory / "wal", data_on
    server = OwnPostgres(binaries, directory, wal_directory=wal)
    server.init()
    server.start()
    try:
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            server.stop()
        shutil.rmtree(directory, ignore_errors=True)
        if wal is not None:
            shutil.rmtree(wal.parent, ignore_errors=True)


def start_worker(
    database_url: str,
    broker_url: str,
    data_dir: Path,
    *extra: str,
    log: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """A real `voxpop worker` process (with the test jobs of tests/kit/slow_jobs.py registered)."""
    variables = {
        **os.environ,
        "VOXPOP_DATABASE_URL": database_url,
        "VOXPOP_BROKER_URL": broker_url,
        "VOXPOP_DATA_DIR": str(data_dir),
        "VOXPOP_JOB_POLL_SECONDS": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        **(env or {}),
    }
    output = log.open("wb") if log is not None else subprocess.DEVNULL
    return subprocess.Popen(
        [sys.executable, "-m", "tests.kit.slow_jobs", "worker", "--concurrency", "2", *extra],
        env=variables,
        stdout=output,
        stderr=subprocess.STDOUT,
        cwd=REPO,
    )


def stop_process(process: subprocess.Popen[bytes], seconds: float = 90) -> None:
    """SIGTERM, then SIGKILL if it has not exited within `seconds` (a job thread may be loading a model)."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)
