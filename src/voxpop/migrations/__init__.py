"""Alembic migrations, run through `voxpop db upgrade` (or `downgrade`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from voxpop.kit.db import engine_for
from voxpop.kit.settings import get_settings

HERE = Path(__file__).parent


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("sqlalchemy.url", (url or get_settings().resolved_database_url).replace("%", "%%"))
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    _ensure_sqlite_dir(url or get_settings().resolved_database_url)
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | None = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def _ensure_sqlite_dir(url: str) -> None:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def current_revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine_for(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def ensure_schema(url: str | None = None) -> None:
    """Bring an embedded SQLite database up to date; refuse to run on an outdated server database."""
    url = url or get_settings().resolved_database_url
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
    if current_revision(url) == head_revision():
        return
    if url.startswith("sqlite"):
        upgrade(url)
        return
    raise RuntimeError("the database schema is not up to date: run `voxpop db upgrade` first")
