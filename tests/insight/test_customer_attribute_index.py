"""A filter on a customer attribute reads the customer attribute index; it must match exactly the customers
that reading their JSON matches (grouping by the attribute still reads the JSON), follow every change of an
attribute, fall back to the JSON for values too long to index, and stay inside its workspace."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import Uuid, bindparam, func, select, text
from sqlalchemy.orm import Session

from tests.factories import Tenant, feedback, make_tenant, unique
from tests.insight.test_slices import by_key, figures, load
from voxpop import migrations
from voxpop.customer.models import CustomerAttributeValue
from voxpop.kit.db import engine_for

LONG = "x" * 250
ATTRIBUTES: list[dict[str, Any]] = [
    {"region": "north", "tier": 2, "vip": True, "score": 4.5, "city": "Zürich"},
    {"region": "north", "tier": 1, "vip": False, "score": 4.0, "city": "Köln", "note": LONG},
    {"region": "south", "tier": 2, "vip": True, "score": 4.5, "city": "Zürich"},
    {"region": "south", "tier": 10, "vip": None, "note": LONG},
]


def customer(attributes: dict[str, Any]) -> dict[str, Any]:
    return {"email": unique("c") + "@example.com", "attributes": attributes}


def n_where(http: httpx.Client, tenant: Tenant, *conditions: str) -> int:
    (figure,) = figures(http, tenant, metric="nps", where=list(conditions))
    return int(figure["n"])


def test_every_kind_of_attribute_filters_to_the_customers_its_json_groups(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    load(http, tenant, [{"nps": 9, "customer": customer(a)} for a in ATTRIBUTES for _ in range(2)])
    for key in ("region", "tier", "vip", "score", "city", "note"):
        groups = by_key(figures(http, tenant, metric="nps", by=f"customer.{key}"), f"customer.{key}")
        for value, group in groups.items():
            if value is not None:
                assert n_where(http, tenant, f"customer.{key}={value}") == group["n"], (key, value)
    assert n_where(http, tenant, f"customer.note={LONG}") == 4  # too long to index: read from the JSON
    assert n_where(http, tenant, "customer.tier=2", "customer.tier=10") == 6  # either value
    assert n_where(http, tenant, "customer.region=south", "customer.vip=true") == 2  # both conditions


def test_the_filter_follows_a_customers_changed_attribute_and_their_erasure(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    ann = customer({"plan": "basic", "region": "north"})
    load(http, tenant, [{"nps": 3, "customer": ann}])
    assert n_where(http, tenant, "customer.plan=basic") == 1
    load(http, tenant, [{"nps": 10, "customer": {**ann, "attributes": {"plan": "pro"}}}])
    assert n_where(http, tenant, "customer.plan=basic") == 0
    assert (
        n_where(http, tenant, "customer.plan=pro") == 2
        and n_where(http, tenant, "customer.region=north") == 2
    )
    (found,) = http.get("/api/v1/customers", headers=tenant.headers()).json()
    assert http.delete(f"/api/v1/customers/{found['id']}", headers=tenant.headers()).status_code == 200
    left = select(func.count()).where(CustomerAttributeValue.workspace_id == tenant.workspace_id)
    assert session.scalar(left) == 0


def test_another_workspaces_customers_never_match(http: httpx.Client, session: Session) -> None:
    ours, theirs = make_tenant(session), make_tenant(session)
    load(http, theirs, [{"nps": 9, "customer": customer({"region": "north"})} for _ in range(3)])
    load(http, ours, [{"nps": 9, "customer": customer({"region": "south"})}])
    assert n_where(http, ours, "customer.region=north") == 0
    assert n_where(http, theirs, "customer.region=north") == 3


@pytest.fixture
def database_at_0014(fresh_database_url: str) -> str:
    migrations.upgrade(fresh_database_url, "0014")
    return fresh_database_url


def test_the_migration_indexes_the_customers_already_stored(database_at_0014: str) -> None:
    engine = engine_for(database_at_0014)
    workspace_id, customer_id = uuid.uuid4(), uuid.uuid4()
    attributes = "CAST(:a AS JSONB)" if engine.dialect.name == "postgresql" else ":a"
    ids = (bindparam("w", type_=Uuid()), bindparam("c", type_=Uuid()))
    with Session(engine) as writer:
        writer.execute(
            text(
                "INSERT INTO workspaces (id, name, created_at) VALUES (:w, 'old', CURRENT_TIMESTAMP)"
            ).bindparams(ids[0]),
            {"w": workspace_id},
        )
        writer.execute(
            text(
                "INSERT INTO customers (id, workspace_id, attributes, created_at, updated_at) "
                f"VALUES (:c, :w, {attributes}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ).bindparams(*ids),
            {"w": workspace_id, "c": customer_id, "a": '{"region": "north", "vip": true, "n": null, "t": 3}'},
        )
        writer.commit()
    migrations.upgrade(database_at_0014)
    with Session(engine) as reader:
        rows = reader.execute(
            select(CustomerAttributeValue.key, CustomerAttributeValue.value).where(
                CustomerAttributeValue.customer_id == customer_id
            )
        )
        assert sorted(tuple(row) for row in rows) == [("region", "north"), ("t", "3"), ("vip", "true")]


def test_a_record_without_customer_attributes_adds_no_index_rows(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    load(http, tenant, [feedback(nps=5)])
    indexed = select(func.count()).where(CustomerAttributeValue.workspace_id == tenant.workspace_id)
    assert session.scalar(indexed) == 0
