"""Test set-up: a real database built from the migrations (SQLite, or PostgreSQL with --backend=postgresql),
emptied between tests, and the real app served over HTTP by uvicorn on 127.0.0.1.

Tests commit for real (routes, imports and jobs do), so isolation is by emptying every table after each
test rather than by rolling back one transaction.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tests.servers import serving

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
pytest_plugins = ["tests.browser"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        default=os.environ.get("VOXPOP_TEST_BACKEND", "sqlite"),
        choices=["sqlite", "postgresql"],
        help="database the suite runs against",
    )


def _postgres_admin_url() -> str:
    return os.environ.get("VOXPOP_TEST_POSTGRES_URL", DEFAULT_POSTGRES)


def _postgres_unreachable() -> str | None:
    try:
        engine = create_engine(_postgres_admin_url())
        with engine.connect():
            pass
        engine.dispose()
    except Exception as error:
        return f"PostgreSQL is not reachable at {_postgres_admin_url()}: {str(error).splitlines()[0]}"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--backend") != "postgresql":
        return
    reason = _postgres_unreachable()
    if reason:
        print(f"\nSKIPPING the PostgreSQL run: {reason}")
        for item in items:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.config.getoption("--backend") == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'voxpop.db'}"
        return
    with _postgres_database(_postgres_admin_url(), "voxpop_test") as url:
        yield url


@contextmanager
def _postgres_database(server_url: str, prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of `server_url`, dropped (connections and all) after."""
    from voxpop.kit.db import engine_for

    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        engine_for(url).dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", autouse=True)
def settings_env(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    data_dir = tmp_path_factory.mktemp("data")
    saved = dict(os.environ)
    os.environ.update(
        {
            "VOXPOP_DATABASE_URL": database_url,
            "VOXPOP_DATA_DIR": str(data_dir),
            "VOXPOP_ENV": "test",
            "VOXPOP_SECRET_KEY": "a-test-secret-that-is-not-the-default",
            "VOXPOP_JOB_POLL_SECONDS": "0.2",
            "VOXPOP_CONFIG_FILE": str(data_dir / "absent.toml"),
            # the tests' webhook receivers listen on 127.0.0.1, an internal address refused by default
            # (tests/delivery/test_webhook_safety.py checks the default)
            "VOXPOP_WEBHOOK_ALLOWED_HOSTS": '["127.0.0.1"]',
            # the quantised encoder is built once per machine, not once per test session (its file name
            # carries the weights' digest and the export version, so a stale one is never used)
            "VOXPOP_TEXT_MODEL_CACHE": str(Path(tempfile.gettempdir()) / "voxpop-test-models"),
        }
    )
    os.environ.pop("VOXPOP_BROKER_URL", None)
    from voxpop import migrations, registry
    from voxpop.kit.settings import get_settings

    get_settings.cache_clear()
    migrations.upgrade(database_url)
    registry.register()  # as every process does at start: tests call services that queue jobs and fire hooks
    yield
    os.environ.clear()
    os.environ.update(saved)
    get_settings.cache_clear()


@pytest.fixture
def fresh_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """Another, empty database of the backend under test (no tables), dropped afterwards."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    with _postgres_database(database_url, "voxpop_fresh") as url:
        yield url


@pytest.fixture(scope="session")
def engine(settings_env: None, database_url: str) -> Engine:
    from voxpop.kit.db import engine_for

    return engine_for(database_url)


@pytest.fixture(autouse=True)
def empty_tables(engine: Engine) -> Iterator[None]:
    yield
    from voxpop.all_models import Base
    from voxpop.kit.clock import reset_clock

    reset_clock()
    tables = list(reversed(Base.metadata.sorted_tables))
    for attempt in range(5):
        try:
            _empty(engine, tables)
            return
        except OperationalError:
            # A background job of the test server (text analysis, say) was writing: PostgreSQL broke the
            # deadlock by cancelling the TRUNCATE. Try again; the job's own transaction has finished by then.
            if attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))


def _empty(engine: Engine, tables: list[Any]) -> None:
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("TRUNCATE " + ", ".join(t.name for t in tables) + " CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    from voxpop.kit.db import new_session

    with new_session(engine, write=False) as db_session:
        yield db_session
        db_session.rollback()


@pytest.fixture(scope="session")
def server_url(settings_env: None) -> Iterator[str]:
    """The real app, served by uvicorn on 127.0.0.1 in this process (so tests can move its clock)."""
    from voxpop.app import create_app

    app = create_app()
    _served["app"] = app
    with serving(app) as url:
        yield url


_served: dict[str, Any] = {}


@pytest.fixture
def background_jobs_paused(server_url: str) -> Iterator[None]:
    """Stop the test server's in-process job runner, so a test can run jobs itself without a race."""
    runner = _served["app"].state.job_runner
    runner.stop()
    try:
        yield
    finally:
        runner.start()


@pytest.fixture
def http(server_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server_url, timeout=30) as client:
        yield client


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]
