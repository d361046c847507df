"""Who sees customers' personal data (names, emails, phones, handles, external ids): admins, and agents one
customer at a time; analysts and viewers see customers by pseudonymous id and attributes only."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.factories import feedback, make_key, make_user, make_workspace, sign_in

EMAIL = "dana.whitfield@example.com"
PHONE = "+14155550123"
NAME = "Dana Whitfield"
PERSONAL = (EMAIL, PHONE, NAME, "crm-7781", "@danaw")


def seed(http: httpx.Client, admin_key: str) -> str:
    customer = {
        "email": EMAIL,
        "phone": PHONE,
        "name": NAME,
        "external_id": "crm-7781",
        "handle": "danaw",
        "attributes": {"region": "north", "plan": "gold"},
    }
    stored = http.post("/api/v1/feedback", json=feedback(customer=customer), headers=bearer(admin_key))
    assert stored.status_code == 201, stored.text
    return str(
        http.get(f"/api/v1/feedback/{stored.json()['id']}", headers=bearer(admin_key)).json()["customer_id"]
    )


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def shows_personal_data(text: str) -> bool:
    return any(value in text for value in PERSONAL)


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_analysts_and_viewers_see_customers_by_id_and_attributes_only(
    http: httpx.Client, session: Session, role: str
) -> None:
    workspace_id = make_workspace(session)
    customer_id = seed(http, make_key(session, workspace_id))
    key = make_key(session, workspace_id, role)
    listed = http.get("/api/v1/customers", headers=bearer(key))
    one = http.get(f"/api/v1/customers/{customer_id}", headers=bearer(key))
    for reply in (listed, one):
        assert reply.status_code == 200 and not shows_personal_data(reply.text)
    assert one.json()["attributes"] == {"region": "north", "plan": "gold"}
    assert (one.json()["identities"], one.json()["personal_data_withheld"]) == ([], True)
    lookup = http.get("/api/v1/customers/lookup", params={"identity": EMAIL}, headers=bearer(key))
    assert lookup.status_code == 403
    assert lookup.json()["error"]["message"] == f"the role '{role}' may not see personal data"
    records = http.get("/api/v1/records", headers=bearer(key))
    assert records.json()["items"][0]["customer_id"] == customer_id and not shows_personal_data(records.text)


def test_agents_see_one_customer_at_a_time_and_admins_list_them(http: httpx.Client, session: Session) -> None:
    workspace_id = make_workspace(session)
    admin = make_key(session, workspace_id)
    customer_id = seed(http, admin)
    agent = make_key(session, workspace_id, "agent")
    one = http.get(f"/api/v1/customers/{customer_id}", headers=bearer(agent)).json()
    assert {(i["kind"], i["value"]) for i in one["identities"]} >= {("email", EMAIL), ("phone", PHONE)}
    found = http.get("/api/v1/customers/lookup", params={"identity": PHONE}, headers=bearer(agent))
    assert uuid.UUID(found.json()["id"]) == uuid.UUID(customer_id)
    assert not shows_personal_data(http.get("/api/v1/customers", headers=bearer(agent)).text)
    assert EMAIL in http.get("/api/v1/customers", headers=bearer(admin)).text


@pytest.mark.parametrize(("role", "sees_names"), [("analyst", False), ("viewer", False), ("agent", True)])
def test_the_records_page_names_customers_only_to_roles_that_see_personal_data(
    http: httpx.Client, session: Session, role: str, sees_names: bool
) -> None:
    workspace_id = make_workspace(session)
    customer_id = seed(http, make_key(session, workspace_id))
    sign_in(http, make_user(session, workspace_id, role))
    page = http.get("/records")
    assert page.status_code == 200 and customer_id in page.text
    assert (NAME in page.text) is sees_names
