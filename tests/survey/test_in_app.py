"""The in-app API: which survey, if any, an app should show a customer now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import Tenant, make_tenant, post
from tests.survey.factories import Respondent, create_survey, nps_definition
from voxpop.kit.clock import set_clock
from voxpop.survey.models import SurveySuppression


def ask(http: httpx.Client, tenant: Tenant, **body: object) -> dict[str, object]:
    reply = http.post(
        "/api/v1/surveys/in-app",
        json={"customer": {"external_id": "app-user-1"}, **body},
        headers=tenant.headers(),
    )
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def test_the_app_gets_a_personal_link_until_the_customer_has_answered(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    create_survey(http, tenant, nps_definition())
    shown = create_survey(http, tenant, nps_definition(in_app=True), touchpoint="checkout")
    first = ask(http, tenant)
    assert first["survey_id"] == shown["id"]
    assert ask(http, tenant)["path"] == first["path"]
    assert ask(http, tenant, touchpoint="support") == {
        "survey_id": None,
        "path": None,
        "reason": "no live in-app survey for this customer here",
    }
    respondent = Respondent(http)
    respondent.open(str(first["path"]))
    respondent.answer({"nps": 8})
    respondent.answer({"liked": "smooth"})
    assert ask(http, tenant) == {
        "survey_id": None,
        "path": None,
        "reason": "the customer has answered every live in-app survey here",
    }


def test_another_workspace_never_gets_this_workspaces_surveys(http: httpx.Client, session: Session) -> None:
    owner, stranger = make_tenant(session), make_tenant(session)
    create_survey(http, owner, nps_definition(in_app=True))
    assert ask(http, stranger)["survey_id"] is None


def test_an_app_asking_on_every_page_view_leaves_one_stopped_contact_a_day(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    create_survey(http, tenant, nps_definition(in_app=True))
    customer = {"external_id": "app-user-1", "attributes": {"contact_consent": False}}
    assert post(http, tenant, "/api/v1/customers", customer).status_code == 201
    day = datetime(2026, 3, 2, tzinfo=UTC)
    for moment in (day + timedelta(hours=h) for h in (0, 9, 9, 12, 23.99)):
        set_clock(lambda moment=moment: moment)
        assert ask(http, tenant)["reason"] == "the customer's contact_consent attribute says no"
    set_clock(lambda: day + timedelta(days=1))
    ask(http, tenant)
    ask(http, tenant)
    session.rollback()
    rows = session.scalars(select(SurveySuppression).order_by(SurveySuppression.created_at)).all()
    assert [(row.rule, row.created_at) for row in rows] == [
        ("no_consent", day),
        ("no_consent", day + timedelta(days=1)),
    ]
