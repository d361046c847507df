"""A database outage under a real `voxpop serve` process (PostgreSQL of the test's own, stopped and started):
the API answers 503 JSON with Retry-After, pages the error page inside the layout with 503, the readiness
endpoint says the database is down, the log has one line per failed request and no tracebacks, and all of
it recovers by itself."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.factories import feedback, make_tenant, make_user, sign_in
from tests.servers import OwnPostgres, free_port, own_postgres, stop_process, wait_for
from voxpop import migrations
from voxpop.kit.db import engine_for, new_session

STARTUP_SECONDS = 180


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[OwnPostgres, str]]:
    with own_postgres() as postgres:
        url = postgres.create_database("voxpop")
        migrations.upgrade(url)
        yield postgres, url
        engine_for(url).dispose()


def serve(database_url: str, data_dir: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "VOXPOP_DATABASE_URL": database_url, "VOXPOP_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-m", "voxpop", "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}"


def answers(url: str) -> bool:
    try:
        return httpx.get(url + "/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_a_database_outage_answers_503_with_retry_after_and_logs_one_line_per_request(
    database: tuple[OwnPostgres, str], tmp_path: Path
) -> None:
    postgres, url = database
    with new_session(engine_for(url), write=False) as session:
        tenant = make_tenant(session)
        email = make_user(session, tenant.workspace_id)
    log = tmp_path / "serve.log"
    server, base = serve(url, tmp_path, log)
    try:
        wait_for(lambda: answers(base), STARTUP_SECONDS, "the server starting")
        with (
            httpx.Client(base_url=base, timeout=30) as browser,
            httpx.Client(base_url=base, timeout=30) as api,
        ):
            sign_in(browser, email)
            postgres.stop()
            writes = [
                api.post("/api/v1/feedback", json=feedback(), headers=tenant.headers()) for _ in range(5)
            ]
            reads = [api.get("/api/v1/overview", headers=tenant.headers()) for _ in range(5)]
            page = browser.get("/")
            ready = api.get("/health/ready")
            postgres.start()
            wait_for(lambda: api.get("/health/ready").status_code == 200, 60, "readiness after the outage")
            after = api.post("/api/v1/feedback", json=feedback(), headers=tenant.headers())
    finally:
        stop_process(server)
    for reply in writes + reads:
        assert reply.status_code == 503, reply.text
        assert reply.headers["retry-after"] == "5"
        assert reply.json()["error"]["code"] == "unavailable"
    assert page.status_code == 503 and page.headers["retry-after"] == "5"
    assert page.headers["content-type"].startswith("text/html")
    assert "/static/app.css" in page.text and "Back in a moment" in page.text  # inside the layout
    assert "try again in a few seconds" in page.text
    assert ready.status_code == 503 and ready.json()["database"] == "unreachable"
    assert after.status_code == 201, after.text
    text = log.read_text(errors="replace")
    assert "Traceback" not in text
    assert len([line for line in text.splitlines() if "database unavailable" in line]) == 11
