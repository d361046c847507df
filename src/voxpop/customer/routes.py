"""Customers API: create or update by identity, read."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query

from voxpop.auth.roles import Permission, allows
from voxpop.customer import service
from voxpop.customer.schemas import CustomerBatchIn, CustomerIn, CustomerOut
from voxpop.kit.batches import check_batch
from voxpop.kit.pagination import Offset
from voxpop.kit.records import BatchResult, UpsertResult
from voxpop.web.deps import PersonalDataReader, Reader, SessionDep, Writer

router = APIRouter(prefix="/api/v1/customers", tags=["customers"])


@router.post("", status_code=201)
def upsert_customer(body: CustomerIn, session: SessionDep, caller: Writer) -> UpsertResult:
    """Create a customer, or update the one that already has any of these identities."""
    (stored,) = service.upsert(session, caller.workspace_id, [body])
    session.commit()
    return UpsertResult.from_stored(stored)


@router.post("/batch", status_code=201)
def upsert_customer_batch(body: CustomerBatchIn, session: SessionDep, caller: Writer) -> BatchResult:
    check_batch(len(body.items), [])
    results = service.upsert(session, caller.workspace_id, body.items)
    session.commit()
    return BatchResult.of(results)


@router.get("")
def list_customers(
    session: SessionDep, caller: Reader, limit: int = Query(50, ge=1, le=500), offset: Offset = 0
) -> list[CustomerOut]:
    """Customers, oldest first. Names and identities only for admins (a list of them is an export); other
    roles get `personal_data_withheld`."""
    found = service.list_page(session, caller.workspace_id, limit, offset)
    if allows(caller.role, Permission.EXPORT_PERSONAL_DATA):
        return found
    return [service.without_personal_data(customer) for customer in found]


@router.get("/lookup")
def find_customer(
    session: SessionDep, caller: PersonalDataReader, identity: str = Query(min_length=1)
) -> CustomerOut:
    """A customer by any identity: email, phone, external id or handle (admins and agents)."""
    return service.describe(session, service.find(session, caller.workspace_id, identity))


@router.get("/{customer_id}")
def get_customer(customer_id: uuid.UUID, session: SessionDep, caller: Reader) -> CustomerOut:
    """One customer; name and identities for admins and agents, `personal_data_withheld` for other roles."""
    customer = service.describe(session, service.get(session, caller.workspace_id, customer_id))
    if allows(caller.role, Permission.SEE_PERSONAL_DATA):
        return customer
    return service.without_personal_data(customer)
