"""Bulk writes at driver speed: one compiled statement, rows handed to the driver's executemany.

SQLAlchemy's per-row parameter processing costs more than SQLite's own insert; for bulk paths (imports,
batches) we compile the statement once and convert each column's values the way its type would, a column at
a time (map over one list is cheaper than a generator per row).

Compiling costs about a millisecond, more than writing one row, so each compiled statement is kept per
process, keyed as SQLAlchemy keys its own compiled cache: the dialect, the statement's cache key (its table,
kind, conflict target and updated columns) and the column keys given.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from psycopg.types.json import Jsonb
from sqlalchemy import JSON, Table, Uuid
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from voxpop.kit.db import UTCDateTime

Convert = Callable[[Any], Any]
PLAN_CACHE_SIZE = 256


def _sqlite_uuid(value: uuid.UUID | None) -> str | None:
    return None if value is None else value.hex


def _sqlite_datetime(value: datetime | None) -> str | None:
    """The text SQLAlchemy's SQLite DateTime stores: 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC."""
    if value is None:
        return None
    if value.utcoffset():
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


_encode_json = json.JSONEncoder(ensure_ascii=False).encode


def _sqlite_json(value: Any) -> str | None:
    """As json.dumps(value, ensure_ascii=False), without building an encoder for every value."""
    return None if value is None else _encode_json(value)


def _pg_json(value: Any) -> Any:
    return None if value is None else Jsonb(value)


def _converter(column_type: Any, dialect: str) -> Convert | None:
    if dialect == "sqlite":
        if isinstance(column_type, Uuid):
            return _sqlite_uuid
        if isinstance(column_type, UTCDateTime):
            return _sqlite_datetime
        if isinstance(column_type, JSON):
            return _sqlite_json
        return None
    if isinstance(column_type, JSON) or isinstance(getattr(column_type, "impl", None), JSON):
        return _pg_json
    return None


@dataclass(frozen=True)
class _Plan:
    """A statement compiled for one dialect and one set of column keys, with the driver's parameter order."""

    sql: str
    names: tuple[str, ...]
    converters: tuple[Convert | None, ...]
    positional: bool

    def parameters(self, rows: Sequence[dict[str, Any]]) -> list[Any]:
        """The rows as the driver takes them: tuples in parameter order, or dicts by name."""
        columns = [_column(rows, n, c) for n, c in zip(self.names, self.converters, strict=True)]
        values = zip(*columns, strict=True)
        if self.positional:
            return list(values)
        return [dict(zip(self.names, v, strict=True)) for v in values]


_plans: dict[Hashable, _Plan] = {}


def _plan(dialect: Dialect, table: Table, statement: Insert, keys: tuple[str, ...]) -> _Plan:
    """The compiled statement, from the cache when this statement was compiled for these keys before.

    A statement holding bound values (none of ours) is compiled every time, as its key leaves them out."""
    cache_key = statement._generate_cache_key()  # what SQLAlchemy's compiled cache keys on; memoized
    if cache_key is None or cache_key.bindparams:
        return _compile(dialect, table, statement, keys)
    key = (dialect, table, cache_key.key, keys)
    plan = _plans.get(key)
    if plan is None:
        if len(_plans) >= PLAN_CACHE_SIZE:
            _plans.clear()
        plan = _plans[key] = _compile(dialect, table, statement, keys)
    return plan


def _compile(dialect: Dialect, table: Table, statement: Insert, keys: tuple[str, ...]) -> _Plan:
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    names = tuple(compiled.positiontup or ()) if compiled.positional else keys
    converters = tuple(_converter(table.c[name].type, dialect.name) for name in names)
    return _Plan(compiled.string, names, converters, compiled.positional)


def execute(session: Session, table: Table, statement: Insert, rows: Sequence[dict[str, Any]]) -> None:
    """Run an INSERT (or upsert) for many rows; every row must have the same keys."""
    if not rows:
        return
    connection = session.connection()
    plan = _plan(connection.dialect, table, statement, tuple(rows[0]))
    connection.exec_driver_sql(plan.sql, plan.parameters(rows))


def execute_returning(session: Session, table: Table, statement: Insert, row: dict[str, Any]) -> Any:
    """Run an INSERT (or upsert) … RETURNING one column for one row; that column's value as SQLAlchemy
    would read it (e.g. a UUID, which SQLite holds as text)."""
    connection = session.connection()
    dialect = connection.dialect
    plan = _plan(dialect, table, statement, tuple(row))
    (parameters,) = plan.parameters([row])
    value = connection.exec_driver_sql(plan.sql, parameters).scalar_one()
    (column,) = statement.exported_columns
    read = column.type.dialect_impl(dialect).result_processor(dialect, None)
    return value if read is None else read(value)


def _column(rows: Sequence[dict[str, Any]], name: str, convert: Convert | None) -> list[Any]:
    """One column's values, converted for the driver."""
    values = list(map(itemgetter(name), rows))
    if convert is None:
        return values
    if convert is _sqlite_datetime:
        return _converted_once_each(values, convert)
    return list(map(convert, values))


def _converted_once_each(values: list[Any], convert: Convert) -> list[Any]:
    """Timestamps repeat (created_at and updated_at share one `now` per batch): convert each one once."""
    done: dict[Any, Any] = {}
    return [done[v] if v in done else done.setdefault(v, convert(v)) for v in values]
