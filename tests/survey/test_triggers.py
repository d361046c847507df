"""Transactional triggers: a journey event invites its customer after the trigger's delay, for a sampled
share of events, through the same contact rules as every invitation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.delivery.factories import run_jobs, smtp_receiver
from tests.factories import Tenant, make_tenant, writing
from tests.survey.factories import create_survey, nps_definition
from voxpop.customer.schemas import CustomerRef
from voxpop.kit.clock import set_clock
from voxpop.kit.jobs.models import Job
from voxpop.survey import triggers
from voxpop.survey.models import SurveyInvitation
from voxpop.survey.triggers import Happened

pytestmark = pytest.mark.usefixtures("background_jobs_paused")
NOW = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)


def delivered(number: int, email: str | None = None) -> Happened:
    customer = CustomerRef(email=email or f"buyer{number}@example.com")
    return Happened(type="order_delivered", external_id=f"order-{number}", customer=customer)


def fire(session: Session, tenant: Tenant, *events: Happened) -> int:
    with writing(session) as writer:
        return triggers.on_events(writer, tenant.workspace_id, list(events))


def invitations(session: Session) -> int:
    session.rollback()
    return int(session.scalar(select(func.count()).select_from(SurveyInvitation)) or 0)


def test_an_event_invites_its_customer_by_email_after_the_delay(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    trigger = {"event": "Order_Delivered", "delay_hours": 24}
    create_survey(http, tenant, nps_definition(triggers=[trigger]))
    create_survey(http, tenant, nps_definition(triggers=[{"event": "ticket_closed"}]))
    set_clock(lambda: NOW)
    assert fire(session, tenant, delivered(1, "mia@example.com")) == 1
    with smtp_receiver() as receiver:
        run_jobs()
        assert invitations(session) == 0
        set_clock(lambda: NOW + timedelta(hours=24))
        run_jobs()
        run_jobs()
    assert invitations(session) == 1
    assert [m["To"] for m in receiver.messages] == ["mia@example.com"]


def test_a_sample_invites_a_share_of_events_and_the_same_event_the_same_way(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    create_survey(
        http,
        tenant,
        nps_definition(triggers=[{"event": "order_delivered", "sample": 0.25, "channel": "link"}]),
    )
    events = [delivered(n) for n in range(400)]
    first = fire(session, tenant, *events)
    again = fire(session, tenant, *events)
    assert 60 <= first <= 140
    assert again == first
    session.rollback()
    assert (
        session.scalar(select(func.count()).select_from(Job).where(Job.name == triggers.INVITE_AFTER_EVENT))
        == 2 * first
    )


def test_a_closed_survey_invites_no_one_when_the_delay_is_over(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    survey = create_survey(
        http, tenant, nps_definition(triggers=[{"event": "order_delivered", "channel": "link"}])
    )
    fire(session, tenant, delivered(7))
    http.patch(f"/api/v1/surveys/{survey['id']}", json={"status": "closed"}, headers=tenant.headers())
    run_jobs()
    assert invitations(session) == 0


def test_an_event_posted_to_the_api_fires_the_trigger_once_even_when_sent_again(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    create_survey(http, tenant, nps_definition(triggers=[{"event": "order_delivered"}]))
    event = {"type": "order_delivered", "external_id": "order-77", "customer": {"email": "ana@example.com"}}
    for _ in range(2):
        assert http.post("/api/v1/events", json=event, headers=tenant.headers()).status_code == 201
    session.rollback()
    queued = session.scalar(
        select(func.count()).select_from(Job).where(Job.name == triggers.INVITE_AFTER_EVENT)
    )
    assert queued == 1
