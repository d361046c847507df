"""An unsubscribe outlives the customer's erasure as a keyed hash of each of their email addresses: the same
address imported again is not invited (rule `unsubscribed`), in that workspace only, and no readable
address is kept."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.delivery.factories import run_jobs, smtp_receiver
from tests.factories import Tenant, make_tenant, post
from tests.survey.factories import create_survey
from tests.survey.test_contact_rules import suppressions, unsubscribe
from tests.survey.test_distribution import invite
from voxpop.survey.models import SurveyUnsubscribedAddress

pytestmark = pytest.mark.usefixtures("background_jobs_paused")


def erase(http: httpx.Client, tenant: Tenant, customer_id: str) -> None:
    assert http.delete(f"/api/v1/customers/{customer_id}", headers=tenant.headers()).status_code == 200


def invited_then_erased(http: httpx.Client, tenant: Tenant, email: str, unsubscribed: bool) -> None:
    (link,) = invite(http, tenant, create_survey(http, tenant)["id"], {"email": email})
    if unsubscribed:
        unsubscribe(http, link)
    erase(http, tenant, link["customer_id"])


def reimport(http: httpx.Client, tenant: Tenant, **identities: Any) -> None:
    assert post(http, tenant, "/api/v1/customers", identities).status_code == 201


def kept(session: Session) -> list[SurveyUnsubscribedAddress]:
    session.rollback()
    return list(session.scalars(select(SurveyUnsubscribedAddress)))


def test_an_erased_customer_who_unsubscribed_is_not_invited_when_their_address_comes_back(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    invited_then_erased(http, tenant, "ola@example.com", unsubscribed=True)
    reimport(http, tenant, external_id="crm-7", email="  Ola@Example.COM ")
    survey = create_survey(http, tenant)
    with smtp_receiver() as smtp:
        (stopped,) = invite(http, tenant, survey["id"], {"external_id": "crm-7"}, channel="sms")
        (by_address,) = invite(http, tenant, survey["id"], {"email": "ola@example.com"}, channel="email")
        run_jobs()
    assert smtp.messages == []
    assert (stopped["suppressed_by"], stopped["token"]) == ("unsubscribed", None)
    assert stopped["reason"].startswith("unsubscribed on ")
    assert by_address["suppressed_by"] == "unsubscribed"
    assert [(kind, rule) for kind, rule, _ in suppressions(session)] == [("invitation", "unsubscribed")] * 2


def test_an_erased_customer_who_had_not_unsubscribed_is_invited_as_usual_when_their_address_comes_back(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    invited_then_erased(http, tenant, "ola@example.com", unsubscribed=False)
    assert kept(session) == []
    reimport(http, tenant, email="ola@example.com")
    (invited,) = invite(http, tenant, create_survey(http, tenant)["id"], {"email": "ola@example.com"})
    assert invited["suppressed_by"] is None and invited["token"]


def test_the_kept_unsubscribe_holds_no_readable_address(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    (link,) = invite(http, tenant, create_survey(http, tenant)["id"], {"email": "ola@example.com"})
    reimport(http, tenant, email="ola@example.com", phone="+4722334455", external_id="crm-7")
    post(http, tenant, "/api/v1/customers", {"external_id": "crm-7", "email": "ola.n@example.org"})
    unsubscribe(http, link)
    erase(http, tenant, link["customer_id"])
    rows = kept(session)
    assert len(rows) == 2
    plain = hashlib.sha256(b"ola@example.com").hexdigest()
    for row in rows:
        values = [str(getattr(row, column.key)) for column in SurveyUnsubscribedAddress.__table__.columns]
        assert not any(part in value for value in values for part in ("ola", "example", "@", plain))
        assert len(row.address_hash) == 64


def test_a_kept_unsubscribe_does_not_reach_another_workspace(http: httpx.Client, session: Session) -> None:
    ours, theirs = make_tenant(session), make_tenant(session)
    invited_then_erased(http, theirs, "ola@example.com", unsubscribed=True)
    (invited,) = invite(http, ours, create_survey(http, ours)["id"], {"email": "ola@example.com"})
    assert invited["suppressed_by"] is None and invited["token"]
    (stopped,) = invite(http, theirs, create_survey(http, theirs)["id"], {"email": "ola@example.com"})
    assert stopped["suppressed_by"] == "unsubscribed"


def test_an_address_unsubscribed_by_two_erased_customers_is_kept_once(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    survey = create_survey(http, tenant)
    (older,) = invite(http, tenant, survey["id"], {"external_id": "crm-9"})
    invited_then_erased(http, tenant, "ola@example.com", unsubscribed=True)
    reimport(http, tenant, external_id="crm-9", email="ola@example.com")
    unsubscribe(http, older)
    erase(http, tenant, older["customer_id"])
    assert len(kept(session)) == 1
