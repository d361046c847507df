"""Every query of the customer domain."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Uuid, bindparam, delete, insert, select, text, update
from sqlalchemy.orm import Session

from voxpop.customer.models import ATTRIBUTE_INDEX_MAX, Customer, CustomerAttributeValue, CustomerIdentity
from voxpop.kit import bulk
from voxpop.kit.db import is_postgres

LOOKUP_CHUNK = 5000
_ATTRIBUTE_ROWS = {  # (customer, key, text) of each attribute, the text as insight's filters read it
    "postgresql": "SELECT c.id, a.key, c.workspace_id, a.value FROM customers AS c, jsonb_each_text(c.attributes) AS a "
    "WHERE a.value IS NOT NULL",
    "sqlite": "SELECT c.id, a.key, c.workspace_id, CASE a.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' "
    "ELSE CAST(a.value AS TEXT) END AS value FROM customers AS c, json_each(c.attributes) AS a WHERE a.type != 'null'",
}


def lock_identities(session: Session, workspace_id: uuid.UUID) -> None:
    """Serialise identity creation per workspace on PostgreSQL (SQLite already has one writer at a time)."""
    if is_postgres(session):
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"identities:{workspace_id}"}
        )


def find_identities(
    session: Session, workspace_id: uuid.UUID, pairs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], uuid.UUID]:
    by_kind: dict[str, list[str]] = {}
    for kind, value in set(pairs):
        by_kind.setdefault(kind, []).append(value)
    found: dict[tuple[str, str], uuid.UUID] = {}
    for kind, values in by_kind.items():
        for start in range(0, len(values), LOOKUP_CHUNK):
            rows = session.execute(
                select(CustomerIdentity.value, CustomerIdentity.customer_id).where(
                    CustomerIdentity.workspace_id == workspace_id,
                    CustomerIdentity.kind == kind,
                    CustomerIdentity.value.in_(values[start : start + LOOKUP_CHUNK]),
                )
            )
            found.update({(kind, value): customer_id for value, customer_id in rows})
    return found


def insert_customers(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    bulk.execute(session, Customer.__table__, insert(Customer.__table__), rows)  # type: ignore[arg-type]


def insert_identities(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    bulk.execute(session, CustomerIdentity.__table__, insert(CustomerIdentity.__table__), rows)  # type: ignore[arg-type]


def details_of(
    session: Session, workspace_id: uuid.UUID, customer_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, dict[str, Any]]:
    """Name, language and attributes of these customers, as {"name", "language", "attributes"} dicts."""
    ids = list(set(customer_ids))
    found: dict[uuid.UUID, dict[str, Any]] = {}
    for start in range(0, len(ids), LOOKUP_CHUNK):
        rows = session.execute(
            select(Customer.id, Customer.name, Customer.language, Customer.attributes).where(
                Customer.workspace_id == workspace_id, Customer.id.in_(ids[start : start + LOOKUP_CHUNK])
            )
        )
        found.update(
            {
                row.id: {"name": row.name, "language": row.language, "attributes": dict(row.attributes or {})}
                for row in rows
            }
        )
    return found


def email_addresses(
    session: Session, workspace_id: uuid.UUID, customer_ids: Iterable[uuid.UUID]
) -> list[tuple[uuid.UUID, str]]:
    """(customer id, address) for every email identity of these customers, one read per few thousand."""
    ids = list(set(customer_ids))
    found: list[tuple[uuid.UUID, str]] = []
    for start in range(0, len(ids), LOOKUP_CHUNK):
        rows = session.execute(
            select(CustomerIdentity.customer_id, CustomerIdentity.value).where(
                CustomerIdentity.workspace_id == workspace_id,
                CustomerIdentity.customer_id.in_(ids[start : start + LOOKUP_CHUNK]),
                CustomerIdentity.kind == "email",
            )
        )
        found.extend((customer_id, value) for customer_id, value in rows)
    return found


def update_customers(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(update(Customer), list(rows))


def index_attributes(
    session: Session, workspace_id: uuid.UUID, customer_ids: Sequence[uuid.UUID] | None = None
) -> None:
    """Rewrites the attribute index of these customers (every customer of the workspace when None) from their
    attributes as stored, in SQL, so the index's text is exactly what a filter on the JSON would compare."""
    if customer_ids is None:
        _index_attributes(session, workspace_id, None)
        return
    ids = list(customer_ids)
    for start in range(0, len(ids), LOOKUP_CHUNK):
        _index_attributes(session, workspace_id, ids[start : start + LOOKUP_CHUNK])


def _index_attributes(session: Session, workspace_id: uuid.UUID, ids: list[uuid.UUID] | None) -> None:
    chosen = " AND c.id IN :ids" if ids is not None else ""
    stale = delete(CustomerAttributeValue).where(CustomerAttributeValue.workspace_id == workspace_id)
    if ids is not None:
        stale = stale.where(CustomerAttributeValue.customer_id.in_(ids))
    session.execute(stale)
    rows = (
        f"INSERT INTO {CustomerAttributeValue.__tablename__} (customer_id, key, workspace_id, value) "
        f"SELECT * FROM ({_ATTRIBUTE_ROWS[session.get_bind().dialect.name]} AND c.workspace_id = :workspace_id"
        f"{chosen}) AS attribute WHERE length(key) <= {ATTRIBUTE_INDEX_MAX} AND length(value) <= {ATTRIBUTE_INDEX_MAX}"
    )
    statement = text(rows).bindparams(bindparam("workspace_id", type_=Uuid()))
    parameters: dict[str, object] = {"workspace_id": workspace_id}
    if ids is not None:
        statement = statement.bindparams(bindparam("ids", expanding=True, type_=Uuid()))
        parameters["ids"] = ids
    session.execute(statement, parameters)


def get(session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID) -> Customer | None:
    return session.scalars(
        select(Customer).where(Customer.workspace_id == workspace_id, Customer.id == customer_id)
    ).first()


def identities_of(
    session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID
) -> list[CustomerIdentity]:
    return list(
        session.scalars(
            select(CustomerIdentity)
            .where(CustomerIdentity.workspace_id == workspace_id, CustomerIdentity.customer_id == customer_id)
            .order_by(CustomerIdentity.kind, CustomerIdentity.value)
        )
    )


def list_page(session: Session, workspace_id: uuid.UUID, limit: int, offset: int) -> list[Customer]:
    return list(
        session.scalars(
            select(Customer)
            .where(Customer.workspace_id == workspace_id)
            .order_by(Customer.id)
            .limit(limit)
            .offset(offset)
        )
    )


def delete_customer(session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID) -> int:
    identities = session.execute(
        delete(CustomerIdentity).where(
            CustomerIdentity.workspace_id == workspace_id, CustomerIdentity.customer_id == customer_id
        )
    ).rowcount  # type: ignore[attr-defined]
    session.execute(delete(Customer).where(Customer.workspace_id == workspace_id, Customer.id == customer_id))
    return int(identities)
