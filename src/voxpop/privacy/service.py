"""Everything held about one customer: exported as one JSON document (their identities, records, events,
survey answers, cases with their history and notes, and the emails sent to them), or erased with all their records
(feedback, events, survey links with the answers given through them, unsubscribes, stopped contacts, and
the emails and webhooks about them in the delivery outbox)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from voxpop.case import service as case_service
from voxpop.customer import service as customer_service
from voxpop.customer.schemas import ErasureOut
from voxpop.delivery import service as delivery_service
from voxpop.feedback import service as feedback_service
from voxpop.feedback.schemas import FeedbackOut
from voxpop.journey import service as journey_service
from voxpop.kit import clock
from voxpop.kit.jobs import queue
from voxpop.privacy import jobs
from voxpop.survey import service as survey_service


def export(session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID) -> dict[str, Any]:
    customer = customer_service.get(session, workspace_id, customer_id)
    described = customer_service.describe(session, customer)
    addresses = [i.value for i in described.identities if i.kind == "email"]
    feedback = feedback_service.of_customer(session, workspace_id, customer.id)
    events = journey_service.of_customer(session, workspace_id, customer.id)
    cases = case_service.exported_of_customer(session, workspace_id, customer.id)
    return {
        "exported_at": clock.now().isoformat(),
        "customer": described.model_dump(mode="json"),
        "feedback": [FeedbackOut.model_validate(f).model_dump(mode="json") for f in feedback],
        "events": [e.model_dump(mode="json") for e in events],
        "surveys": survey_service.of_customer(session, workspace_id, customer.id).model_dump(mode="json"),
        "cases": [c.model_dump(mode="json") for c in cases],
        "messages": delivery_service.emails_to(session, workspace_id, addresses),
    }


def erase(session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID) -> ErasureOut:
    """Their email addresses and record ids are read first: the outbox and the kept unsubscribe find the
    customer by them once the customer's rows are gone."""
    customer = customer_service.get(session, workspace_id, customer_id)
    addresses = [
        i.value for i in customer_service.describe(session, customer).identities if i.kind == "email"
    ]
    records = [f.id for f in feedback_service.of_customer(session, workspace_id, customer.id)]
    delivery_service.erase_about(session, workspace_id, addresses, [customer.id, *records])
    feedback_deleted = feedback_service.erase_of_customer(session, workspace_id, customer.id)
    events_deleted = journey_service.erase_of_customer(session, workspace_id, customer.id)
    survey_service.erase_of_customer(session, workspace_id, customer.id, addresses)
    identities_deleted = customer_service.delete(session, workspace_id, customer.id)
    queue.enqueue(session, jobs.WIPE_ERASED, {}, workspace_id)  # empties SQLite's log once this commits
    return ErasureOut(
        customer_id=customer.id,
        feedback_deleted=feedback_deleted,
        events_deleted=events_deleted,
        identities_deleted=identities_deleted,
    )
