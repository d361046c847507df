"""A saved page reads its survey and its response in one query, and nothing of either is kept between
requests: a response key is good only on its own survey's address, and a survey closed or edited while a
respondent is halfway through is seen at their next page."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tests.factories import make_tenant, writing
from tests.survey.factories import Respondent, create_survey, nps_definition
from voxpop.survey.models import Survey, SurveyResponse


def halfway(http: httpx.Client, path: str) -> Respondent:
    """A respondent who has saved the first page (a 6) and has the second in front of them."""
    respondent = Respondent(http)
    respondent.open(path)
    respondent.answer({"nps": 6})
    return respondent


def answers_of(session: Session) -> list[dict[str, object]]:
    session.rollback()
    return [dict(r.answers) for r in session.scalars(select(SurveyResponse))]


def test_a_response_key_is_refused_on_the_address_of_another_workspaces_survey(
    http: httpx.Client, session: Session
) -> None:
    mine = create_survey(http, make_tenant(session))
    theirs = create_survey(http, make_tenant(session))
    respondent = halfway(http, mine["path"])
    key = respondent.action().rsplit("/", 1)[1]
    elsewhere = f"{theirs['path']}/r/{key}"
    assert http.get(elsewhere).status_code == 404
    second_page = {**respondent.form_fields(), "q_improve": "Sent to the wrong survey"}
    assert http.post(elsewhere, data=second_page).status_code == 404
    first_page = {"_page": "0", "_v": "1", "_opened": "0", "q_nps": "10"}
    assert http.post(elsewhere, data=first_page).status_code == 404
    assert answers_of(session) == [{"nps": 6}]


def test_a_survey_closed_while_a_respondent_is_halfway_refuses_the_next_page(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    survey = create_survey(http, tenant)
    respondent = halfway(http, survey["path"])
    http.patch(f"/api/v1/surveys/{survey['id']}", json={"status": "closed"}, headers=tenant.headers())
    reply = respondent.answer({"improve": "Too late"}, follow=False)
    assert reply.status_code == 404
    assert "closed" in reply.text
    assert answers_of(session) == [{"nps": 6}]


def test_a_deleted_survey_refuses_the_next_page(http: httpx.Client, session: Session) -> None:
    survey = create_survey(http, make_tenant(session))
    respondent = halfway(http, survey["path"])
    with writing(session) as writer:
        writer.execute(delete(SurveyResponse))
        writer.execute(delete(Survey).where(Survey.id == uuid.UUID(survey["id"])))
    assert respondent.answer({"improve": "Anyone there?"}, follow=False).status_code == 404


def test_an_edit_made_while_a_respondent_is_halfway_reaches_the_next_respondent_not_them(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    survey = create_survey(http, tenant)
    respondent = halfway(http, survey["path"])
    edited = nps_definition()
    edited["pages"][1]["questions"][0]["text"] = "Edited: what went wrong?"
    reply = http.patch(
        f"/api/v1/surveys/{survey['id']}", json={"definition": edited}, headers=tenant.headers()
    )
    assert reply.status_code == 200, reply.text
    assert respondent.answer({"improve": "Slow"}).status_code == 303
    assert "Thank you" in respondent.html
    assert answers_of(session) == [{"nps": 6, "improve": "Slow"}]
    newcomer = halfway(http, survey["path"])
    assert "Edited: what went wrong?" in newcomer.html
