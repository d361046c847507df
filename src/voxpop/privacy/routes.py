"""Data-subject requests: export everything about a customer, or erase it."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter

from voxpop.customer.schemas import ErasureOut
from voxpop.privacy import service
from voxpop.web.deps import PersonalDataEraser, PersonalDataExporter, SessionDep

router = APIRouter(prefix="/api/v1/customers", tags=["privacy"])


@router.get("/{customer_id}/export")
def export_customer(
    customer_id: uuid.UUID, session: SessionDep, caller: PersonalDataExporter
) -> dict[str, Any]:
    return service.export(session, caller.workspace_id, customer_id)


@router.delete("/{customer_id}")
def erase_customer(customer_id: uuid.UUID, session: SessionDep, caller: PersonalDataEraser) -> ErasureOut:
    """Erase the customer, their identities, feedback and events. Cannot be undone."""
    erased = service.erase(session, caller.workspace_id, customer_id)
    session.commit()
    return erased
