"""Who a customer is, as the caller's role may see them: the header of the customer page and of a case page.
Admins and agents see the name and identities (one customer at a time, docs/security.md); analysts and
viewers see the pseudonym, the language, the attributes and the scores."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from voxpop.auth.roles import Permission, allows
from voxpop.customer import service as customer_service
from voxpop.feedback import service as feedback_service
from voxpop.feedback.service import LatestScore

HEADLINE_ATTRIBUTES = ("plan", "region", "value", "segment")
"""Attributes the header names first (the demo's and most CRMs'); the customer page lists every one."""


@dataclass(frozen=True)
class CustomerHeader:
    id: uuid.UUID
    display_name: str
    personal: bool
    identities: list[tuple[str, str]]
    language: str | None
    attributes: dict[str, Any]
    scores: dict[str, LatestScore]

    @property
    def pseudonym(self) -> str:
        return customer_service.pseudonym(self.id)

    @property
    def headline(self) -> list[tuple[str, Any]]:
        return [(k, self.attributes[k]) for k in HEADLINE_ATTRIBUTES if self.attributes.get(k) is not None]


def header_of(session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID, role: str) -> CustomerHeader:
    """The customer's header (404 when they are not of this workspace), personal data only if `role` may."""
    customer = customer_service.describe(session, customer_service.get(session, workspace_id, customer_id))
    personal = allows(role, Permission.SEE_PERSONAL_DATA)
    return CustomerHeader(
        id=customer.id,
        display_name=customer_service.display_name(customer.id, customer.name, personal),
        personal=personal,
        identities=[(i.kind, i.value) for i in customer.identities] if personal else [],
        language=customer.language,
        attributes=dict(customer.attributes or {}),
        scores=feedback_service.latest_scores(session, workspace_id, customer_id),
    )
