"""Migrations build the schema from nothing, and upgrade and downgrade cleanly, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from voxpop import migrations
from voxpop.all_models import Base
from voxpop.kit.db import engine_for


@pytest.fixture
def fresh_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"voxpop_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = database_url.rsplit("/", 1)[0] + f"/{name}"
    yield url
    engine_for(url).dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def tables(url: str) -> set[str]:
    return set(inspect(engine_for(url)).get_table_names()) - {"alembic_version"}


def test_upgrade_builds_every_table_and_downgrade_removes_them_all(fresh_url: str) -> None:
    migrations.upgrade(fresh_url)
    assert tables(fresh_url) == set(Base.metadata.tables)
    assert migrations.current_revision(fresh_url) == migrations.head_revision()
    migrations.downgrade(fresh_url, "base")
    assert tables(fresh_url) == set()
    migrations.upgrade(fresh_url)
    assert tables(fresh_url) == set(Base.metadata.tables)


def test_the_models_and_the_migrations_describe_the_same_schema(fresh_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    migrations.upgrade(fresh_url)
    with engine_for(fresh_url).connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
