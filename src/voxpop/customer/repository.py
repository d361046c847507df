"""Every query of the customer domain."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.orm import Session

from voxpop.customer.models import Customer, CustomerIdentity
from voxpop.kit import bulk
from voxpop.kit.db import is_postgres

LOOKUP_CHUNK = 5000


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


def update_customers(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(update(Customer), list(rows))


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
