"""The respondent's pages read each survey version once per process (versions never change): the cache
must never serve a version that is not the survey's, and it stays small."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy.orm import Session

from tests.factories import make_tenant, writing
from tests.survey.factories import Respondent, create_survey, nps_definition
from voxpop.survey import respond, service
from voxpop.survey.definition import CACHE_SIZE, remembered
from voxpop.survey.schemas import SurveyChange


def first_question(text: str) -> SurveyChange:
    definition = nps_definition()
    definition["pages"][0]["questions"][0]["text"] = text
    return SurveyChange.model_validate({"definition": definition})


def test_a_version_number_taken_again_after_a_rollback_is_not_served_from_the_cache(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    survey = create_survey(http, tenant)
    survey_id = uuid.UUID(survey["id"])
    with writing(session) as writer:
        service.change(writer, tenant.workspace_id, survey_id, first_question("Rolled back?"))
        visit = respond.open_link(writer, survey["slug"], {}, None)
        assert (visit.version.number, visit.definition.pages[0].questions[0].text) == (2, "Rolled back?")
        writer.rollback()
    with writing(session) as writer:
        service.change(writer, tenant.workspace_id, survey_id, first_question("Kept?"))
    respondent = Respondent(http)
    respondent.open(survey["path"])
    assert "Kept?" in respondent.html
    assert "Rolled back?" not in respondent.html
    respondent.answer({"nps": 9})
    assert "What did you like?" in respondent.html


def test_an_edit_reaches_the_next_respondent_at_once(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    survey = create_survey(http, tenant)
    assert "How likely are you to recommend us?" in Respondent(http).open(survey["path"]).text
    with writing(session) as writer:
        service.change(writer, tenant.workspace_id, uuid.UUID(survey["id"]), first_question("Edited?"))
    assert "Edited?" in Respondent(http).open(survey["path"]).text


def test_the_cache_stays_within_its_size() -> None:
    cache: dict[int, str] = {}
    for n in range(CACHE_SIZE * 2 + 5):
        assert remembered(cache, n, lambda n=n: str(n)) == str(n)  # type: ignore[misc]
        assert len(cache) <= CACHE_SIZE
