"""Completed two-page NPS survey submissions per second through the hosted pages, against a bare FastAPI
endpoint that only validates the same two form posts and returns 201, measured in the same run.

    .venv/bin/python benchmarks/surveys.py [--seconds 30] [--connections 16] [--backends sqlite,postgresql]

Each target runs in its own uvicorn process (uvloop + httptools, one worker); the load generator runs in a
second process and speaks HTTP/1.1 keep-alive over raw asyncio streams on 127.0.0.1, so the client's cost
stays small. A submission is page 1 (the 0–10 answer; creates the response) then page 2 (a text); it counts
as completed when both come back 303 (201 for the bare endpoint). Latency is per POST. After the run the
accepted submissions are counted in the database (completed responses and survey feedback records).

The floor (`--floor`, on by default) is a third target per store: the bare endpoint's checks plus one
autocommitted statement per page on the store's fastest path — what no save that keeps the answer before
replying can beat here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import Response

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
POSTGRES_ADMIN = os.environ.get(
    "VOXPOP_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SLUG = "bench-nps"
DEFINITION = {
    "default_language": "en",
    "pages": [
        {
            "questions": [
                {"id": "nps", "type": "nps", "text": "How likely are you to recommend us?", "required": True}
            ]
        },
        {"questions": [{"id": "why", "type": "long_text", "text": "You gave {answer.nps}. Why?"}]},
    ],
}


# --- the bare endpoint: parse the same form, check it, return 201 --------------------------------------


def bare_app() -> FastAPI:
    app = FastAPI()

    @app.post("/bare/{key}")
    async def bare(key: str, request: Request) -> Response:
        form = await request.form()
        if form.get("_page") == "0":
            nps = str(form.get("q_nps", ""))
            if not nps.isdigit() or not 0 <= int(nps) <= 10:
                return Response(status_code=422)
        elif len(str(form.get("q_why", ""))) > 5000:
            return Response(status_code=422)
        return Response(status_code=201)

    return app


# --- the floor: the bare endpoint plus the one durable write any save must make ------------------------


FLOOR_TABLE = "CREATE TABLE IF NOT EXISTS floor_answers (key text PRIMARY KEY, nps integer, why text)"
FLOOR_INSERT = "INSERT INTO floor_answers (key, nps) VALUES ({0}, {0})"
FLOOR_UPDATE = "UPDATE floor_answers SET why = {0} WHERE key = {0}"


def floor_app() -> FastAPI:
    """What no implementation that keeps an answer before replying can beat: the bare endpoint's checks, then
    one autocommitted statement per page (an INSERT, then an UPDATE) on the store's fastest path — SQLite
    called inline on the event loop (WAL, synchronous=NORMAL, as the app), or PostgreSQL through a pool of
    async psycopg connections (one round trip, the server's commit flush). No ORM, no feedback record."""
    url = os.environ["FLOOR_DATABASE_URL"]
    if url.startswith("sqlite"):
        return _floor_on(_SqliteFloor(url.removeprefix("sqlite:///")))
    return _floor_on(_PostgresFloor(url.replace("postgresql+psycopg://", "postgresql://")))


class _SqliteFloor:
    def __init__(self, path: str) -> None:
        import sqlite3

        self.connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.execute(FLOOR_TABLE)

    async def open(self) -> None:
        return None

    async def write(self, statement: str, values: tuple[Any, ...]) -> None:
        self.connection.execute(statement.format("?"), values)


class _PostgresFloor:
    def __init__(self, url: str) -> None:
        self.url = url
        self.idle: asyncio.Queue[Any] = asyncio.Queue()

    async def open(self) -> None:
        import psycopg

        for _ in range(20):
            connection = await psycopg.AsyncConnection.connect(self.url, autocommit=True)
            await connection.execute(FLOOR_TABLE)
            self.idle.put_nowait(connection)

    async def write(self, statement: str, values: tuple[Any, ...]) -> None:
        connection = await self.idle.get()
        try:
            await connection.execute(statement.format("%s"), values)
        finally:
            self.idle.put_nowait(connection)


def _floor_on(store: _SqliteFloor | _PostgresFloor) -> FastAPI:
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> Any:
        await store.open()
        yield

    app = FastAPI(lifespan=lifespan)

    @app.post("/floor/{key}")
    async def floor(key: str, request: Request) -> Response:
        form = await request.form()
        if form.get("_page") == "0":
            nps = str(form.get("q_nps", ""))
            if not nps.isdigit() or not 0 <= int(nps) <= 10:
                return Response(status_code=422)
            await store.write(FLOOR_INSERT, (key, int(nps)))
        else:
            why = str(form.get("q_why", ""))
            if len(why) > 5000:
                return Response(status_code=422)
            await store.write(FLOOR_UPDATE, (why, key))
        return Response(status_code=201)

    return app


# --- the load generator --------------------------------------------------------------------------------


def _request(path: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, data: bytes) -> int:
    writer.write(data)
    await writer.drain()
    status_line = await reader.readline()
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return int(status_line.split()[1])


async def _connection(port: int, prefix: str, ok: int, deadline: float, out: dict[str, Any]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    opened = str(int(time.time()))
    while time.monotonic() < deadline:
        key = secrets.token_urlsafe(18)
        path = f"{prefix}/{key}"
        nps = secrets.randbelow(11)
        first = urlencode(
            {"_page": "0", "_v": "1", "_lang": "en", "_channel": "link", "_opened": opened, "q_nps": nps}
        )
        second = urlencode({"_page": "1", "q_why": "The parcel came two days late and the box was damaged."})
        statuses = []
        for body in (first, second):
            started = time.perf_counter()
            statuses.append(await _exchange(reader, writer, _request(path, body.encode())))
            out["latencies"].append(time.perf_counter() - started)
        if statuses == [ok, ok]:
            out["completed"] += 1
        else:
            out["failed"] += 1
            out["statuses"][str(statuses)] = out["statuses"].get(str(statuses), 0) + 1
    writer.close()


def load(port: int, prefix: str, ok: int, seconds: float, connections: int, queue: Any) -> None:
    """Runs in its own process: `connections` keep-alive connections posting submissions for `seconds`."""
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    out: dict[str, Any] = {"latencies": [], "completed": 0, "failed": 0, "statuses": {}}

    async def main() -> None:
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(_connection(port, prefix, ok, deadline, out) for _ in range(connections)))

    started = time.monotonic()
    asyncio.run(main())
    out["elapsed"] = time.monotonic() - started
    queue.put(out)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# --- servers -------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(target: str, env: dict[str, str]) -> Iterator[int]:
    port = free_port()
    command = [
        PYTHON,
        "-m",
        "uvicorn",
        target,
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--workers",
        "1",
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    process = subprocess.Popen(command, env={**os.environ, **env}, cwd=ROOT / "benchmarks")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/health"
                    if "voxpop" in target
                    else f"http://127.0.0.1:{port}/docs",
                    timeout=1,
                )
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{target} did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def measure(port: int, prefix: str, ok: int, seconds: float, connections: int) -> dict[str, Any]:
    queue: Any = multiprocessing.get_context("spawn").Queue()
    process = multiprocessing.get_context("spawn").Process(
        target=load, args=(port, prefix, ok, seconds, connections, queue)
    )
    process.start()
    out = queue.get()
    process.join()
    latencies = out.pop("latencies")
    out.update(
        requests=len(latencies),
        submissions_per_second=out["completed"] / out["elapsed"],
        p50_ms=1000 * percentile(latencies, 0.50),
        p99_ms=1000 * percentile(latencies, 0.99),
    )
    return out


# --- databases -----------------------------------------------------------------------------------------


@contextmanager
def database(backend: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    from sqlalchemy import create_engine, text

    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"voxpop_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        from voxpop.kit.db import engine_for

        engine_for(POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}").dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare(url: str) -> None:
    from voxpop import migrations
    from voxpop.kit.db import engine_for, new_session
    from voxpop.survey import service
    from voxpop.survey.schemas import SurveyIn
    from voxpop.workspace import service as workspace_service

    migrations.upgrade(url)
    with new_session(engine_for(url)) as session:
        workspace = workspace_service.create(session, "bench")
        service.create(
            session,
            workspace.id,
            SurveyIn.model_validate({"name": "Bench", "slug": SLUG, "definition": DEFINITION}),
        )
        session.commit()


def stored(url: str) -> dict[str, int]:
    from sqlalchemy import func, select

    from voxpop.feedback.models import Feedback
    from voxpop.kit.db import engine_for, new_session
    from voxpop.survey.models import SurveyResponse

    with new_session(engine_for(url), write=False) as session:
        completed = session.scalar(select(func.count()).where(SurveyResponse.completed_at.is_not(None)))
        records = session.scalar(
            select(func.count()).where(
                Feedback.source == f"survey:{SLUG}", Feedback.nps.is_not(None), Feedback.text.is_not(None)
            )
        )
    return {
        "completed_responses": int(completed or 0),
        "feedback_records_with_nps_and_text": int(records or 0),
    }


def run_floor(backend: str, seconds: float, connections: int) -> dict[str, Any]:
    from sqlalchemy import create_engine, text

    with database(backend) as url:
        with server("surveys:floor_app", {"FLOOR_DATABASE_URL": url}) as port:
            result = measure(port, "/floor", 201, seconds, connections)
        engine = create_engine(url)
        with engine.connect() as connection:
            kept = connection.scalar(text("SELECT count(*) FROM floor_answers WHERE why IS NOT NULL"))
        engine.dispose()
        result["answers_with_both_pages"] = int(kept or 0)
    return result


def run_voxpop(backend: str, seconds: float, connections: int) -> dict[str, Any]:
    with database(backend) as url:
        prepare(url)
        env = {
            "VOXPOP_DATABASE_URL": url,
            "VOXPOP_ENV": "production",
            "VOXPOP_SECRET_KEY": secrets.token_urlsafe(32),
            "VOXPOP_SURVEY_POSTS_PER_ADDRESS_PER_MINUTE": str(10**9),
            "VOXPOP_SURVEY_POSTS_PER_ADDRESS_AND_SURVEY_PER_MINUTE": str(10**9),
        }
        with server("voxpop.app:create_app", env) as port:
            result = measure(port, f"/s/{SLUG}/r", 303, seconds, connections)
        result.update(stored(url))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--floor",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure the floor: the bare endpoint plus one durable write per page, on each store",
    )
    args = parser.parse_args()
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "nproc": os.cpu_count(),
            "memory_gib": _memory_gib(),
            "python": platform.python_version(),
        },
        "seconds": args.seconds,
        "connections": args.connections,
    }
    with server("surveys:bare_app", {}) as port:
        results["bare"] = measure(port, "/bare", 201, args.seconds, args.connections)
    print(json.dumps({"bare": results["bare"]}), flush=True)
    for backend in args.backends.split(","):
        if args.floor:
            results[f"{backend}_floor"] = run_floor(backend, args.seconds, args.connections)
            print(json.dumps({f"{backend}_floor": results[f"{backend}_floor"]}), flush=True)
        results[backend] = run_voxpop(backend, args.seconds, args.connections)
        print(json.dumps({backend: results[backend]}), flush=True)
    print(json.dumps(results, indent=2))


def _memory_gib() -> float:
    with Path("/proc/meminfo").open() as meminfo:
        total_kib = int(meminfo.readline().split()[1])
    return round(total_kib / 1024**2, 1)


if __name__ == "__main__":
    main()
