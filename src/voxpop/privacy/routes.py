"""Data-subject requests: export everything about a customer, or erase it."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter

from voxpop.audit import service as audit
from voxpop.customer.schemas import ErasureOut
from voxpop.kit.db import new_session
from voxpop.privacy import service
from voxpop.web.deps import PersonalDataEraser, PersonalDataExporter, SessionDep

router = APIRouter(prefix="/api/v1/customers", tags=["privacy"])


@router.get("/{customer_id}/export")
def export_customer(
    customer_id: uuid.UUID, session: SessionDep, caller: PersonalDataExporter
) -> dict[str, Any]:
    document = service.export(session, caller.workspace_id, customer_id)
    with new_session(write=True) as writer:  # this request only reads; the audit entry needs a writer
        audit.record(writer, caller.workspace_id, caller, "customer.export", "customer", customer_id)
        writer.commit()
    return document


@router.delete("/{customer_id}")
def erase_customer(customer_id: uuid.UUID, session: SessionDep, caller: PersonalDataEraser) -> ErasureOut:
    """Erase the customer, their identities, feedback and events. Cannot be undone."""
    erased = service.erase(session, caller.workspace_id, customer_id)
    details = erased.model_dump(mode="json")
    audit.record(session, caller.workspace_id, caller, "customer.erase", "customer", customer_id, details)
    session.commit()
    return erased
