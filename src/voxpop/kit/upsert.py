"""Idempotent bulk writes keyed on (workspace, source, external id), the same on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from voxpop.kit import bulk
from voxpop.kit.db import is_postgres

KEY = ("workspace_id", "source", "external_id")
# Keys looked up per query: one query per import chunk rather than ten (SQLite allows 250,000 parameters
# in our build, PostgreSQL 65,535).
LOOKUP_CHUNK = 5000
NEVER_UPDATED = {"id", "created_at", *KEY}


def existing_ids(
    session: Session, table: Table, workspace_id: uuid.UUID, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], uuid.UUID]:
    """The ids of rows that already exist for these (source, external id) keys."""
    by_source: dict[str, list[str]] = {}
    for source, external_id in set(keys):
        by_source.setdefault(source, []).append(external_id)
    found: dict[tuple[str, str], uuid.UUID] = {}
    for source, external_ids in by_source.items():
        for start in range(0, len(external_ids), LOOKUP_CHUNK):
            rows = session.execute(
                select(table.c.external_id, table.c.id).where(
                    table.c.workspace_id == workspace_id,
                    table.c.source == source,
                    table.c.external_id.in_(external_ids[start : start + LOOKUP_CHUNK]),
                )
            )
            found.update({(source, external_id): row_id for external_id, row_id in rows})
    return found


def last_per_key(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per key, the last one given winning: a record sent twice in a file is an update."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        latest[(row["source"], row["external_id"])] = row
    return list(latest.values())


@dataclass(frozen=True)
class Stored:
    id: uuid.UUID
    source: str
    external_id: str
    created: bool


def store(
    session: Session,
    table: Table,
    workspace_id: uuid.UUID,
    rows: Sequence[dict[str, Any]],
    defaults: dict[str, Any] | None = None,
) -> list[Stored]:
    """Create or update rows by key (one outcome per distinct key); existing rows keep their id.

    `defaults` fill columns a new row leaves empty (e.g. the time it was received: now); an update that leaves
    such a column empty keeps the stored value instead of overwriting it.

    On SQLite, rows whose key the look-up did not find are plain INSERTs, which cost about two thirds of an
    upsert there. The look-up is authoritative on SQLite: one writer at a time, and a transaction whose
    snapshot went stale cannot write at all. PostgreSQL upserts every row, since another transaction may add
    a key between the look-up and the write. A single row that gives every defaulted column (a survey answer)
    needs no look-up: one upsert stores it either way and says which row it wrote.
    """
    rows = last_per_key(rows)
    if len(rows) == 1 and _gives(rows[0], defaults):
        return [_store_one(session, table, rows[0])]
    known = existing_ids(session, table, workspace_id, [(r["source"], r["external_id"]) for r in rows])
    outcomes = []
    new_rows: list[dict[str, Any]] = []
    known_rows: list[dict[str, Any]] = []
    for row in rows:
        key = (row["source"], row["external_id"])
        created = key not in known
        row["id"] = row["id"] if created else known[key]
        if created:
            row.update({name: value for name, value in (defaults or {}).items() if row.get(name) is None})
        outcomes.append(Stored(id=row["id"], source=key[0], external_id=key[1], created=created))
        (new_rows if created else known_rows).append(row)
    partial = [row for row in known_rows if not _gives(row, defaults)]
    complete = [row for row in known_rows if _gives(row, defaults)]
    if is_postgres(session):
        upsert(session, table, new_rows + complete)
    else:
        bulk.execute(session, table, insert(table), new_rows)
        upsert(session, table, complete)
    _update_given_columns(session, table, partial)
    return outcomes


def _update_given_columns(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Update existing rows by id with what the new version gives; a required column it leaves empty (the
    time) keeps its stored value."""
    for row in rows:
        values = {
            name: value
            for name, value in row.items()
            if name not in NEVER_UPDATED and (value is not None or table.c[name].nullable)
        }
        session.execute(update(table).where(table.c.id == row["id"]).values(**values))


def _gives(row: dict[str, Any], defaults: dict[str, Any] | None) -> bool:
    """Whether the row fills every column that has a default (so an update overwrites them all)."""
    return all(row.get(name) is not None for name in defaults or ())


def _store_one(session: Session, table: Table, row: dict[str, Any]) -> Stored:
    """Create or update one row in one statement: the upsert returns the id of the row it wrote, which is the
    new row's id unless the key existed (its id is never updated)."""
    columns = tuple(name for name in row if name not in NEVER_UPDATED)
    statement = _upsert_statement(table, _dialect(session), columns, returning_id=True)
    stored_id = bulk.execute_returning(session, table, statement, row)
    created = stored_id == row["id"]
    row["id"] = stored_id
    return Stored(id=stored_id, source=row["source"], external_id=row["external_id"], created=created)


def upsert(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT … ON CONFLICT (workspace_id, source, external_id) DO UPDATE, in one executemany."""
    if not rows:
        return
    columns = tuple(name for name in rows[0] if name not in NEVER_UPDATED)
    bulk.execute(session, table, _upsert_statement(table, _dialect(session), columns), rows)


def _dialect(session: Session) -> str:
    return "postgresql" if is_postgres(session) else "sqlite"


@lru_cache(maxsize=64)
def _upsert_statement(
    table: Table, dialect: str, updated: tuple[str, ...], returning_id: bool = False
) -> Insert:
    """Built once per table, dialect, updated columns and RETURNING: a statement never changes (SQLAlchemy's
    generative methods return new ones) and memoizes its cache key, by which `kit.bulk` finds it compiled."""
    insert_row = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    set_ = {name: insert_row.excluded[name] for name in updated}
    statement: Insert = insert_row.on_conflict_do_update(index_elements=list(KEY), set_=set_)
    return statement.returning(table.c.id) if returning_id else statement
