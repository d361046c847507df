"""Workspaces are walls: a key of one workspace can neither read, change nor guess anything of another."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import Tenant, feedback, make_tenant, post
from voxpop.customer.models import Customer
from voxpop.feedback.models import Feedback


def _one_record(http: httpx.Client, tenant: Tenant, email: str = "shared@example.com") -> dict[str, str]:
    stored = post(http, tenant, "/api/v1/feedback", feedback(customer={"email": email})).json()
    record = http.get(f"/api/v1/feedback/{stored['id']}", headers=tenant.headers()).json()
    return {"feedback_id": record["id"], "customer_id": record["customer_id"]}


def test_a_key_cannot_read_another_workspaces_records_or_customers(
    http: httpx.Client, session: Session
) -> None:
    alpha, beta = make_tenant(session), make_tenant(session)
    theirs = _one_record(http, beta)
    for path in (
        f"/api/v1/feedback/{theirs['feedback_id']}",
        f"/api/v1/customers/{theirs['customer_id']}",
        f"/api/v1/customers/{theirs['customer_id']}/export",
    ):
        reply = http.get(path, headers=alpha.headers())
        assert reply.status_code == 404, path
    assert http.get("/api/v1/feedback", headers=alpha.headers()).json() == []
    assert http.get("/api/v1/customers", headers=alpha.headers()).json() == []
    lookup = http.get(
        "/api/v1/customers/lookup", params={"identity": "shared@example.com"}, headers=alpha.headers()
    )
    assert lookup.status_code == 404


def test_a_missing_id_and_another_workspaces_id_look_the_same(http: httpx.Client, session: Session) -> None:
    alpha, beta = make_tenant(session), make_tenant(session)
    theirs = _one_record(http, beta)
    foreign = http.get(f"/api/v1/feedback/{theirs['feedback_id']}", headers=alpha.headers())
    missing = http.get("/api/v1/feedback/01a20000-0000-7000-8000-000000000000", headers=alpha.headers())
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


def test_a_key_cannot_erase_another_workspaces_customer(http: httpx.Client, session: Session) -> None:
    alpha, beta = make_tenant(session), make_tenant(session)
    theirs = _one_record(http, beta)
    assert (
        http.delete(f"/api/v1/customers/{theirs['customer_id']}", headers=alpha.headers()).status_code == 404
    )
    session.rollback()
    assert session.scalar(select(func.count()).where(Customer.workspace_id == beta.workspace_id)) == 1


def test_the_same_identity_in_two_workspaces_is_two_customers(http: httpx.Client, session: Session) -> None:
    alpha, beta = make_tenant(session), make_tenant(session)
    mine, theirs = _one_record(http, alpha), _one_record(http, beta)
    assert mine["customer_id"] != theirs["customer_id"]


def test_an_update_by_source_and_id_never_reaches_another_workspaces_record(
    http: httpx.Client, session: Session
) -> None:
    alpha, beta = make_tenant(session), make_tenant(session)
    post(http, beta, "/api/v1/feedback", feedback(source="crm", external_id="X-1", nps=2))
    reply = post(http, alpha, "/api/v1/feedback", feedback(source="crm", external_id="X-1", nps=10))
    assert reply.json()["status"] == "created"
    session.rollback()
    nps_of_beta = session.scalar(select(Feedback.nps).where(Feedback.workspace_id == beta.workspace_id))
    assert nps_of_beta == 2


def test_imports_of_another_workspace_are_invisible(http: httpx.Client, session: Session) -> None:
    alpha, beta = make_tenant(session), make_tenant(session)
    files = {"file": ("f.csv", b"id,nps\n1,9\n", "text/csv")}
    created = http.post("/api/v1/imports", files=files, headers=beta.headers()).json()
    assert http.get(f"/api/v1/imports/{created['id']}", headers=alpha.headers()).status_code == 404
    assert http.get(f"/api/v1/imports/{created['id']}/rejections", headers=alpha.headers()).status_code == 404
    assert http.get("/api/v1/imports", headers=alpha.headers()).json() == []
