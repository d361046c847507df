"""Migrations build the schema from nothing, and upgrade and downgrade cleanly, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect

from voxpop import migrations
from voxpop.all_models import Base
from voxpop.kit.db import engine_for


def tables(url: str) -> set[str]:
    return set(inspect(engine_for(url)).get_table_names()) - {"alembic_version"}


def test_upgrade_builds_every_table_and_downgrade_removes_them_all(fresh_database_url: str) -> None:
    migrations.upgrade(fresh_database_url)
    assert tables(fresh_database_url) == set(Base.metadata.tables)
    assert migrations.current_revision(fresh_database_url) == migrations.head_revision()
    migrations.downgrade(fresh_database_url, "base")
    assert tables(fresh_database_url) == set()
    migrations.upgrade(fresh_database_url)
    assert tables(fresh_database_url) == set(Base.metadata.tables)


def test_the_models_and_the_migrations_describe_the_same_schema(fresh_database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    migrations.upgrade(fresh_database_url)
    with engine_for(fresh_database_url).connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
