"""The batch read of customers' email addresses that the survey contact rules use: every email of the asked
customers, of their workspace only."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests.factories import make_tenant, writing
from voxpop.customer import repository
from voxpop.customer import service as customer_service
from voxpop.customer.schemas import CustomerRef


@pytest.mark.parametrize("chunk", [repository.LOOKUP_CHUNK, 1])
def test_every_email_of_the_asked_customers_is_read_and_nothing_of_another_workspace(
    session: Session, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(repository, "LOOKUP_CHUNK", chunk)
    tenant, other = make_tenant(session), make_tenant(session)
    with writing(session) as writer:
        ann, bob, _cy = customer_service.resolve_many(
            writer,
            tenant.workspace_id,
            [
                CustomerRef(external_id="A", email="ann@example.com"),
                CustomerRef(external_id="B", phone="+442079460958"),
                CustomerRef(email="cy@example.com"),
            ],
        )
        customer_service.resolve_many(
            writer, tenant.workspace_id, [CustomerRef(external_id="A", email="ann.work@example.com")]
        )
        (stranger,) = customer_service.resolve_many(
            writer, other.workspace_id, [CustomerRef(email="ann@example.com")]
        )
    assert ann and bob and stranger
    found = customer_service.email_addresses(session, tenant.workspace_id, [ann, bob, stranger, ann])
    assert sorted(found) == [(ann, "ann.work@example.com"), (ann, "ann@example.com")]


def test_no_customers_read_nothing(session: Session) -> None:
    assert customer_service.email_addresses(session, make_tenant(session).workspace_id, []) == []
