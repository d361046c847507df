"""Bulk writes at driver speed: one compiled statement, rows handed to the driver's executemany.

SQLAlchemy's per-row parameter processing costs more than SQLite's own insert; for bulk paths (imports,
batches) we compile the statement once and convert each column's values the way its type would, a column at
a time (map over one list is cheaper than a generator per row).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from psycopg.types.json import Jsonb
from sqlalchemy import JSON, Table, Uuid
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from voxpop.kit.db import UTCDateTime

Convert = Callable[[Any], Any]


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


def execute(session: Session, table: Table, statement: Insert, rows: Sequence[dict[str, Any]]) -> None:
    """Run an INSERT (or upsert) for many rows; every row must have the same keys."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    keys = list(rows[0])
    compiled = statement.compile(dialect=dialect, column_keys=keys)
    names = list(compiled.positiontup or []) if compiled.positional else keys
    columns = [_column(rows, name, _converter(table.c[name].type, dialect.name)) for name in names]
    if compiled.positional:
        connection.exec_driver_sql(compiled.string, list(zip(*columns, strict=True)))
    else:
        connection.exec_driver_sql(
            compiled.string, [dict(zip(names, v, strict=True)) for v in zip(*columns, strict=True)]
        )


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
