"""One customer across channels: identities match records to the same person, never merging silently."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import feedback, make_tenant, post
from voxpop.customer.models import Customer


def _customer_of(http: httpx.Client, tenant_headers: dict[str, str], feedback_id: str) -> str:
    return str(http.get(f"/api/v1/feedback/{feedback_id}", headers=tenant_headers).json()["customer_id"])


def test_a_tweet_a_ticket_and_a_survey_of_one_person_meet_on_one_customer(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    survey = post(
        http,
        tenant,
        "/api/v1/feedback",
        feedback(customer={"email": "Mia@Example.com", "external_id": "C-9"}),
    )
    ticket = post(
        http,
        tenant,
        "/api/v1/feedback",
        feedback(
            kind="support_ticket",
            channel="email",
            customer={"email": "mia@example.com", "handle": "@MiaTweets"},
        ),
    )
    tweet = post(
        http,
        tenant,
        "/api/v1/feedback",
        feedback(kind="social_post", channel="social", customer={"handle": "miatweets"}),
    )
    ids = {_customer_of(http, tenant.headers(), r.json()["id"]) for r in (survey, ticket, tweet)}
    assert len(ids) == 1
    customer = http.get(f"/api/v1/customers/{ids.pop()}", headers=tenant.headers()).json()
    assert {(i["kind"], i["value"]) for i in customer["identities"]} == {
        ("email", "mia@example.com"),
        ("external_id", "C-9"),
        ("handle", "@miatweets"),
    }


def test_phone_numbers_are_matched_in_any_format(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    first = post(http, tenant, "/api/v1/feedback", feedback(customer={"phone": "+44 20 7946 0958"}))
    second = post(http, tenant, "/api/v1/feedback", feedback(customer={"phone": "+442079460958"}))
    assert _customer_of(http, tenant.headers(), first.json()["id"]) == _customer_of(
        http, tenant.headers(), second.json()["id"]
    )


def test_identities_that_belong_to_two_customers_are_not_merged(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    anna = post(http, tenant, "/api/v1/feedback", feedback(customer={"email": "anna@example.com"}))
    ben = post(http, tenant, "/api/v1/feedback", feedback(customer={"external_id": "B-1"}))
    both = post(
        http,
        tenant,
        "/api/v1/feedback",
        feedback(customer={"external_id": "B-1", "email": "anna@example.com"}),
    )
    assert _customer_of(http, tenant.headers(), both.json()["id"]) == _customer_of(
        http, tenant.headers(), ben.json()["id"]
    )
    assert _customer_of(http, tenant.headers(), anna.json()["id"]) != _customer_of(
        http, tenant.headers(), ben.json()["id"]
    )
    session.rollback()
    assert session.scalar(select(func.count()).where(Customer.workspace_id == tenant.workspace_id)) == 2


def test_customer_details_on_records_are_merged_into_the_customer(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    post(
        http,
        tenant,
        "/api/v1/feedback",
        feedback(customer={"email": "li@example.com", "attributes": {"plan": "basic"}}),
    )
    post(
        http,
        tenant,
        "/api/v1/feedback",
        feedback(
            customer={
                "email": "li@example.com",
                "name": "Li Wei",
                "attributes": {"plan": "plus", "region": "north"},
            }
        ),
    )
    customer = http.get(
        "/api/v1/customers/lookup", params={"identity": "LI@example.com"}, headers=tenant.headers()
    ).json()
    assert customer["name"] == "Li Wei"
    assert customer["attributes"] == {"plan": "plus", "region": "north"}


def test_a_record_without_identities_is_anonymous(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    body = feedback()
    del body["customer"]
    stored = post(http, tenant, "/api/v1/feedback", body)
    assert _customer_of(http, tenant.headers(), stored.json()["id"]) == "None"


def test_invalid_identities_are_refused_precisely(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    bad_email = post(http, tenant, "/api/v1/feedback", feedback(customer={"email": "not-an-email"}))
    assert bad_email.json()["error"]["problems"][0]["field"] == "customer.email"
    assert "is not a valid email address" in bad_email.json()["error"]["problems"][0]["reason"]
    bad_phone = post(http, tenant, "/api/v1/feedback", feedback(customer={"phone": "12"}))
    assert bad_phone.json()["error"]["problems"][0]["field"] == "customer.phone"


def test_customers_are_created_and_updated_through_their_own_endpoint(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    created = post(
        http, tenant, "/api/v1/customers", {"email": "zoe@example.com", "attributes": {"segment": "business"}}
    )
    again = post(
        http, tenant, "/api/v1/customers", {"email": "zoe@example.com", "attributes": {"value": 1200}}
    )
    assert (created.json()["status"], again.json()["status"]) == ("created", "updated")
    customer = http.get(f"/api/v1/customers/{created.json()['id']}", headers=tenant.headers()).json()
    assert customer["attributes"] == {"segment": "business", "value": 1200}
    nobody = post(http, tenant, "/api/v1/customers", {"name": "No Identity"})
    assert (
        "needs at least one of external_id, email, phone or handle"
        in nobody.json()["error"]["problems"][0]["reason"]
    )
