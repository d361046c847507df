"""Database plumbing: the declarative base, portable column types, engines and sessions.

SQLite (the embedded default) runs in WAL mode with foreign keys on and `secure_delete` (deleted content is
overwritten with zeros, so erased personal data does not linger in free pages; the `privacy.wipe_erased` job
then empties the write-ahead log after an erasure, `checkpoint_erased`). Sessions that may write start their
transaction with BEGIN IMMEDIATE: our writes read first (identity look-ups) and then write, and a deferred
transaction that does that fails at once with SQLITE_BUSY when another connection wrote in between. Read-only
sessions (GET requests) begin deferred, so readers never wait for writers.
"""

from __future__ import annotations

import logging
import select
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, MetaData, Uuid, create_engine, event
from sqlalchemy import exc as sql_errors
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from voxpop.kit.ids import new_id
from voxpop.kit.settings import get_settings

logger = logging.getLogger(__name__)
BUSY_TIMEOUT_MS = 30_000

WRITE_OPTION = "voxpop_may_write"
PING_AFTER_IDLE_SECONDS = 30.0
_IDLE_SINCE = "voxpop_idle_since"
# The database cannot be reached or used just now (a restart, a network fault, a full disk, every pooled
# connection busy): what failed can be tried again as it is.
UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (
    sql_errors.OperationalError,
    sql_errors.InterfaceError,
    sql_errors.DisconnectionError,
    sql_errors.TimeoutError,
)
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp always stored and returned as an aware UTC datetime, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), uuid.UUID: Uuid(), dict[str, Any]: JSONType}  # noqa: RUF012


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        writes = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # 20 kept: a burst of requests keeps its connections rather than closing overflow ones at each lull
    engine = create_engine(url, pool_size=20, max_overflow=10)
    _check_pooled_connections(engine)
    return engine


def _check_pooled_connections(engine: Engine) -> None:
    """A pooled PostgreSQL connection is handed out only if it is still alive (a fresh one replaces it), as
    `pool_pre_ping` would, without its round trip on every checkout: a restarted or terminating server tells
    its idle connections so and hangs up, which a zero-timeout poll of the socket sees; a connection idle
    long enough for a firewall to have forgotten it silently is pinged."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        long_idle = idle_since is not None and time.monotonic() - idle_since > PING_AFTER_IDLE_SECONDS
        if _hung_up(dbapi_connection) or (long_idle and not _answers_ping(engine, dbapi_connection)):
            raise DisconnectionError("the database server closed this pooled connection")


def _hung_up(dbapi_connection: Any) -> bool:
    """Whether the server sent anything to an idle connection: between transactions it only ever does so
    to end the connection (or, rarely, to report a changed setting: that costs a reconnection, no more)."""
    if dbapi_connection.closed or dbapi_connection.broken:
        return True
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN)
    return bool(poller.poll(0))


def _answers_ping(engine: Engine, dbapi_connection: Any) -> bool:
    try:
        return bool(engine.dialect.do_ping(dbapi_connection))
    except engine.dialect.loaded_dbapi.Error:
        return False


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    return engine_for(get_settings().resolved_database_url)


@lru_cache(maxsize=16)
def _sessionmaker(engine: Engine, write: bool) -> sessionmaker[Session]:
    bind = engine.execution_options(**{WRITE_OPTION: True}) if write else engine
    return sessionmaker(bind=bind, expire_on_commit=False)


def new_session(engine: Engine | None = None, write: bool = True) -> Session:
    """A session; `write=False` for sessions that only read (they never wait for a writer on SQLite)."""
    return _sessionmaker(engine or get_engine(), write)()


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session for a CLI command or a job: the caller commits; anything uncommitted is rolled back."""
    session = new_session(engine)
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def checkpoint_erased(engine: Engine | None = None, wait_ms: int = 500) -> bool:
    """Empties SQLite's write-ahead log after an erasure committed: copies it into the database file and
    truncates it to nothing (`wal_checkpoint(TRUNCATE)`). The log still holds earlier versions of the
    erased rows; the database's own freed pages were zeroed by `secure_delete`. Waits at most `wait_ms` for
    readers, and answers False when one kept the log (try again later). PostgreSQL has nothing to do here:
    its dead rows are cleared by (auto)vacuum, see docs/security.md."""
    engine = engine or get_engine()
    if engine.dialect.name != "sqlite":
        return True
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(wait_ms)}")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        row = cursor.fetchone()  # (busy, frames in the log, frames copied)
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()
    finally:
        connection.close()
    busy = bool(row and row[0])
    if busy:
        logger.info("the write-ahead log could not be emptied after an erasure yet: a reader holds it")
    return not busy


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"
