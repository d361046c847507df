"""The customer domain's operations: match or create customers from identities, look up, export, erase.

Matching rule: a record's identities are tried in priority order (external id, email, phone, handle); the
first one already known names the customer, and the record's other identities are added to that customer
unless they already belong to someone else (customers are never merged silently). A record whose
identities are all new creates a customer.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from contextlib import suppress
from typing import Any

from sqlalchemy.orm import Session

from voxpop.customer import repository
from voxpop.customer.models import Customer
from voxpop.customer.schemas import (
    CustomerOut,
    CustomerRef,
    IdentityOut,
    normalise_handle,
    normalise_phone,
)
from voxpop.kit import clock
from voxpop.kit.errors import NotFound
from voxpop.kit.ids import new_id
from voxpop.kit.upsert import Stored
from voxpop.kit.validation import normalise_email


class _Resolution:
    """The identities of one batch, and the customers and identity rows it must create or update."""

    def __init__(self, workspace_id: uuid.UUID, known: dict[tuple[str, str], uuid.UUID]) -> None:
        self.workspace_id = workspace_id
        self.known = known
        self.new_customers: dict[uuid.UUID, dict[str, Any]] = {}
        self.new_identities: list[dict[str, Any]] = []
        self.changes: dict[uuid.UUID, dict[str, Any]] = {}

    def resolve(self, ref: CustomerRef) -> uuid.UUID | None:
        pairs = ref.identities()
        if not pairs:
            return None
        customer_id = next((self.known[pair] for pair in pairs if pair in self.known), None)
        if customer_id is None:
            customer_id = new_id()
            self.new_customers[customer_id] = self._customer_row(customer_id)
        for pair in pairs:
            if pair not in self.known:
                self.known[pair] = customer_id
                self.new_identities.append(self._identity_row(customer_id, pair))
        self._remember_details(customer_id, ref)
        return customer_id

    def _customer_row(self, customer_id: uuid.UUID) -> dict[str, Any]:
        now = clock.now()
        return {
            "id": customer_id,
            "workspace_id": self.workspace_id,
            "name": None,
            "language": None,
            "attributes": {},
            "created_at": now,
            "updated_at": now,
        }

    def _identity_row(self, customer_id: uuid.UUID, pair: tuple[str, str]) -> dict[str, Any]:
        return {
            "id": new_id(),
            "workspace_id": self.workspace_id,
            "customer_id": customer_id,
            "kind": pair[0],
            "value": pair[1],
            "created_at": clock.now(),
        }

    def _remember_details(self, customer_id: uuid.UUID, ref: CustomerRef) -> None:
        if not (ref.name or ref.language or ref.attributes):
            return
        change = self.changes.setdefault(customer_id, {"attributes": {}})
        if ref.name:
            change["name"] = ref.name
        if ref.language:
            change["language"] = ref.language
        change["attributes"].update(ref.attributes or {})


def resolve_many(
    session: Session, workspace_id: uuid.UUID, refs: Sequence[CustomerRef | None]
) -> list[uuid.UUID | None]:
    """The customer of each record (None for anonymous ones), creating customers and identities as needed.
    A batch that names no identity (anonymous survey answers) resolves nothing, so it takes no lock and
    does not wait for other writers of the workspace."""
    pairs = [pair for ref in refs if ref is not None for pair in ref.identities()]
    if not pairs:
        return [None] * len(refs)
    repository.lock_identities(session, workspace_id)
    batch = _Resolution(workspace_id, repository.find_identities(session, workspace_id, pairs))
    customer_ids = [batch.resolve(ref) if ref is not None else None for ref in refs]
    changed = _apply_details(session, batch)
    repository.insert_customers(session, list(batch.new_customers.values()))
    repository.insert_identities(session, batch.new_identities)
    repository.index_attributes(session, workspace_id, [*batch.new_customers, *changed])
    return customer_ids


def _apply_details(session: Session, batch: _Resolution) -> list[uuid.UUID]:
    """Names, languages and attributes given on records: merged into the customer, newest value wins.
    Returns the existing customers that changed."""
    existing_ids = [cid for cid in batch.changes if cid not in batch.new_customers]
    existing = repository.details_of(session, batch.workspace_id, existing_ids)
    updates = []
    for customer_id, change in batch.changes.items():
        if customer_id in batch.new_customers:
            batch.new_customers[customer_id].update(change)
            continue
        before = existing.get(customer_id, {"attributes": {}})
        after = {**before, **change, "attributes": {**before["attributes"], **change["attributes"]}}
        if after != before:
            updates.append({**after, "id": customer_id, "updated_at": clock.now()})
    repository.update_customers(session, updates)
    return [update["id"] for update in updates]


def upsert(session: Session, workspace_id: uuid.UUID, refs: Sequence[CustomerRef]) -> list[Stored]:
    """Create or update customers directly (the customers API and customer-file imports)."""
    known_before = repository.find_identities(
        session, workspace_id, [p for r in refs for p in r.identities()]
    )
    results: dict[uuid.UUID, Stored] = {}
    for ref, customer_id in zip(refs, resolve_many(session, workspace_id, refs), strict=True):
        if customer_id is None or customer_id in results:
            continue
        kind, value = ref.identities()[0]
        created = not any(pair in known_before for pair in ref.identities())
        results[customer_id] = Stored(id=customer_id, source=kind, external_id=value, created=created)
    return list(results.values())


def get(session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID) -> Customer:
    customer = repository.get(session, workspace_id, customer_id)
    if customer is None:
        raise NotFound("customer")
    return customer


def details_of(
    session: Session, workspace_id: uuid.UUID, customer_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[str, Any]]:
    """Name, language and attributes of many customers in one read (contact rules check a batch at once)."""
    return repository.details_of(session, workspace_id, customer_ids)


def email_addresses(
    session: Session, workspace_id: uuid.UUID, customer_ids: Sequence[uuid.UUID]
) -> list[tuple[uuid.UUID, str]]:
    """(customer id, address) for every email identity of these customers (contact rules check a batch at
    once)."""
    return repository.email_addresses(session, workspace_id, customer_ids)


def find(session: Session, workspace_id: uuid.UUID, id_or_email: str) -> Customer:
    """A customer by its id, or by any identity value (email, phone, external id, handle)."""
    try:
        return get(session, workspace_id, uuid.UUID(id_or_email))
    except ValueError:
        pass
    candidates = _lookup_candidates(id_or_email)
    found = repository.find_identities(session, workspace_id, candidates)
    for pair in candidates:
        if pair in found:
            return get(session, workspace_id, found[pair])
    raise NotFound("customer")


def _lookup_candidates(text: str) -> list[tuple[str, str]]:
    """The identities a typed value could be, most specific first."""
    value = text.strip()
    candidates = [("external_id", value), ("handle", normalise_handle(value) or value)]
    for kind, normalise in (("phone", normalise_phone), ("email", normalise_email)):
        with suppress(ValueError):
            if normal := normalise(value):
                candidates.insert(0, (kind, normal))
    return candidates


def describe(session: Session, customer: Customer) -> CustomerOut:
    identities = [
        IdentityOut(kind=i.kind, value=i.value)
        for i in repository.identities_of(session, customer.workspace_id, customer.id)
    ]
    return CustomerOut(
        id=customer.id,
        name=customer.name,
        language=customer.language,
        attributes=customer.attributes,
        identities=identities,
        created_at=customer.created_at,
        updated_at=customer.updated_at,
    )


def without_personal_data(customer: CustomerOut) -> CustomerOut:
    """The customer as roles without access to personal data see them: id, language and attributes."""
    return customer.model_copy(update={"name": None, "identities": [], "personal_data_withheld": True})


def list_page(session: Session, workspace_id: uuid.UUID, limit: int, offset: int) -> list[CustomerOut]:
    return [describe(session, c) for c in repository.list_page(session, workspace_id, limit, offset)]


def delete(session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID) -> int:
    """Delete the customer row and its identities; callers delete the customer's records first."""
    return repository.delete_customer(session, workspace_id, customer_id)


def pseudonym(customer_id: uuid.UUID) -> str:
    """A short reference to a customer that names nobody: `C-3F9A2C1B`, from the start of their id."""
    return "C-" + customer_id.hex[:8].upper()


def display_name(customer_id: uuid.UUID, name: str | None, personal: bool) -> str:
    """How pages name a customer: their name for roles that see personal data, else their pseudonym."""
    if personal and name:
        return name
    return ("Unnamed customer " if personal else "Customer ") + pseudonym(customer_id)


def display_names(
    session: Session, workspace_id: uuid.UUID, customer_ids: Iterable[uuid.UUID], personal: bool
) -> dict[uuid.UUID, str]:
    """Display names of many customers in one read (a list of records names each row's customer)."""
    ids = [i for i in set(customer_ids) if i is not None]
    names = repository.details_of(session, workspace_id, ids) if personal else {}
    return {i: display_name(i, names.get(i, {}).get("name"), personal) for i in ids}
