"""The hosted survey pages over plain HTTP, as a browser without JavaScript uses them: page by page, logic,
piping, validation next to the field, protection, and the feedback record each answer becomes."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import make_tenant
from tests.survey.factories import Respondent, create_survey, nps_definition, question
from voxpop.feedback.models import Feedback
from voxpop.survey.models import SurveyResponse


def records_of(session: Session, slug: str) -> list[Feedback]:
    session.rollback()
    return list(session.scalars(select(Feedback).where(Feedback.source == f"survey:{slug}")))


def response_count(session: Session) -> int:
    session.rollback()
    return int(session.scalar(select(func.count()).select_from(SurveyResponse)) or 0)


def test_a_detractor_gets_the_improve_question_with_their_score_piped_in(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    survey = create_survey(http, tenant, lifecycle_stage="purchase", touchpoint="delivery")
    respondent = Respondent(http)
    respondent.open(survey["path"])
    respondent.answer({"nps": 4})
    assert "You gave 4. What should we improve?" in respondent.html
    assert "What did you like?" not in respondent.html
    respondent.answer({"improve": "The parcel came late."})
    assert 'id="thanks"' in respondent.html
    (record,) = records_of(session, survey["slug"])
    assert (record.kind, record.channel, record.nps, record.text) == (
        "survey_response",
        "web",
        4,
        "The parcel came late.",
    )
    assert (record.lifecycle_stage, record.touchpoint, record.title) == (
        "purchase",
        "delivery",
        "Delivery survey",
    )
    assert record.attributes["survey_version"] == 1
    assert record.attributes["survey_completed"] is True


def test_personal_data_in_a_written_answer_is_redacted_in_the_response_and_its_record(
    http: httpx.Client, session: Session
) -> None:
    survey = create_survey(http, make_tenant(session))
    respondent = Respondent(http)
    respondent.open(survey["path"])
    respondent.answer({"nps": 3})
    respondent.answer(
        {"improve": "Call me on +1 415 555 2671: my card 4111 1111 1111 1111 was charged twice."}
    )
    assert 'id="thanks"' in respondent.html
    redacted = "Call me on [phone]: my card [card] was charged twice."
    (record,) = records_of(session, survey["slug"])
    response = session.scalars(
        select(SurveyResponse).where(SurveyResponse.survey_id == uuid.UUID(survey["id"]))
    ).one()
    assert (response.answers["improve"], record.text) == (redacted, redacted)
    assert response.answers["nps"] == 3


def test_a_promoter_skips_to_the_other_branch(http: httpx.Client, session: Session) -> None:
    survey = create_survey(http, make_tenant(session))
    respondent = Respondent(http)
    respondent.open(survey["path"])
    respondent.answer({"nps": 10})
    assert "What did you like?" in respondent.html
    assert "What should we improve?" not in respondent.html


def test_a_skipped_page_is_not_shown_and_the_survey_ends_early(http: httpx.Client, session: Session) -> None:
    definition = nps_definition()
    definition["pages"][1]["show_if"] = [{"question": "nps", "op": "lte", "value": 6}]
    definition["pages"][1]["questions"][1]["show_if"] = []
    survey = create_survey(http, make_tenant(session), definition)
    respondent = Respondent(http)
    respondent.open(survey["path"])
    respondent.answer({"nps": 9})
    assert 'id="thanks"' in respondent.html


def test_an_abandoned_survey_keeps_the_pages_already_saved(http: httpx.Client, session: Session) -> None:
    survey = create_survey(http, make_tenant(session))
    respondent = Respondent(http)
    respondent.open(survey["path"])
    respondent.answer({"nps": 8})
    (record,) = records_of(session, survey["slug"])
    assert record.nps == 8
    assert record.attributes["survey_completed"] is False
    resumed = http.get(respondent.history[-1].headers["location"])
    assert "What did you like?" in resumed.text


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"nps": 12}, "Choose a whole number from 0 to 10."),
        ({"nps": "ten"}, "Choose a whole number from 0 to 10."),
        ({}, "This question needs an answer."),
        ({"nps": [3, 4]}, "Give one answer only."),
    ],
)
def test_a_refused_answer_is_shown_next_to_its_field_and_nothing_is_saved(
    http: httpx.Client, session: Session, answer: dict[str, Any], message: str
) -> None:
    survey = create_survey(http, make_tenant(session))
    respondent = Respondent(http)
    respondent.open(survey["path"])
    reply = respondent.answer(answer)
    assert reply.status_code == 422
    assert f'<p class="error" id="err-nps">{message}</p>' in reply.text
    assert re.search(r'<fieldset id="q-nps" aria-describedby="[^"]*err-nps"', reply.text)
    assert '<a href="#q-nps">' in reply.text
    assert reply.text.count('aria-invalid="true"') == 11
    assert response_count(session) == 0
    fixed = respondent.answer({"nps": 5})
    assert fixed.status_code == 303
    assert response_count(session) == 1


def test_a_choice_that_does_not_exist_is_refused(http: httpx.Client, session: Session) -> None:
    choices = [{"value": "fast", "label": "Fast"}, {"value": "cheap", "label": "Cheap"}]
    definition = {"pages": [{"questions": [question("why", "multiple_choice", choices=choices)]}]}
    survey = create_survey(http, make_tenant(session), definition)
    respondent = Respondent(http)
    respondent.open(survey["path"])
    reply = respondent.answer({"why": ["fast", "free"]})
    assert reply.status_code == 422
    assert "&#39;free&#39; is not one of the choices." in reply.text
    assert 'value="fast" checked' in reply.text


def test_sending_the_same_page_twice_saves_one_response(http: httpx.Client, session: Session) -> None:
    survey = create_survey(http, make_tenant(session))
    respondent = Respondent(http)
    respondent.open(survey["path"])
    fields, action = respondent.form_fields(), respondent.action()
    for _ in range(3):
        reply = http.post(action, data={**fields, "q_nps": "6"})
        assert reply.status_code == 303
    assert response_count(session) == 1
    assert len(records_of(session, survey["slug"])) == 1


def test_a_finished_response_cannot_be_changed_by_sending_a_page_again(
    http: httpx.Client, session: Session
) -> None:
    survey = create_survey(http, make_tenant(session))
    respondent = Respondent(http)
    respondent.open(survey["path"])
    first_page = (respondent.form_fields(), respondent.action())
    respondent.answer({"nps": 3})
    respondent.answer({"improve": "Faster please"})
    http.post(first_page[1], data={**first_page[0], "q_nps": "10"})
    (record,) = records_of(session, survey["slug"])
    assert record.nps == 3


def test_a_filled_honeypot_looks_like_success_but_stores_nothing(
    http: httpx.Client, session: Session
) -> None:
    survey = create_survey(http, make_tenant(session))
    respondent = Respondent(http)
    respondent.open(survey["path"])
    reply = respondent.answer({"nps": 10, "website": "http://spam.example"})
    assert reply.headers["location"] == f"{survey['path']}/thanks"
    assert response_count(session) == 0


def test_too_many_posts_from_one_address_are_refused(
    http: httpx.Client, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voxpop.survey import protection

    monkeypatch.setenv("VOXPOP_SURVEY_POSTS_PER_ADDRESS_PER_MINUTE", "3")
    protection.limits.cache_clear()
    try:
        survey = create_survey(http, make_tenant(session))
        statuses = []
        for _ in range(4):
            respondent = Respondent(http)
            respondent.open(survey["path"])
            statuses.append(respondent.answer({"nps": 7}, follow=False).status_code)
    finally:
        monkeypatch.undo()
        protection.limits.cache_clear()
    assert statuses == [303, 303, 303, 429]
    assert response_count(session) == 3


def test_posts_to_one_survey_are_limited_per_address_whatever_token_the_form_carries(
    http: httpx.Client, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voxpop.survey import protection

    monkeypatch.setenv("VOXPOP_SURVEY_POSTS_PER_ADDRESS_AND_SURVEY_PER_MINUTE", "3")
    protection.limits.cache_clear()
    try:
        tenant = make_tenant(session)
        survey, other = create_survey(http, tenant), create_survey(http, tenant)
        respondent = Respondent(http)
        respondent.open(survey["path"])
        statuses = [respondent.answer({"nps": 3}).status_code]
        fields, action = respondent.form_fields(), respondent.action()
        for _ in range(3):  # the second page again and again, each time with a made-up token
            data = {**fields, "q_improve": "Faster.", "_t": uuid.uuid4().hex}
            statuses.append(http.post(action, data=data).status_code)
        elsewhere = Respondent(http)
        elsewhere.open(other["path"])
        other_status = elsewhere.answer({"nps": 9}, follow=False).status_code
    finally:
        monkeypatch.undo()
        protection.limits.cache_clear()
    assert statuses == [303, 303, 303, 429]
    assert other_status == 303


def test_a_page_over_the_size_limit_is_refused_before_it_is_read(
    http: httpx.Client, session: Session
) -> None:
    survey = create_survey(http, make_tenant(session))
    respondent = Respondent(http)
    respondent.open(survey["path"])
    reply = respondent.answer({"nps": 7, "q_padding": "x" * 70_000}, follow=False)
    assert reply.status_code == 413
    assert response_count(session) == 0


def test_text_over_its_limit_is_refused_with_the_count(http: httpx.Client, session: Session) -> None:
    definition = {"pages": [{"questions": [question("name", "short_text", required=True)]}]}
    survey = create_survey(http, make_tenant(session), definition)
    respondent = Respondent(http)
    respondent.open(survey["path"])
    reply = respondent.answer({"name": "y" * 501})
    assert reply.status_code == 422
    assert "Keep the answer to 500 characters; it has 501." in reply.text
    assert 'aria-describedby="err-name"' in reply.text


def test_a_draft_or_closed_survey_is_not_served(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    survey = create_survey(http, tenant, status="draft")
    assert http.get(survey["path"]).status_code == 404
    http.patch(f"/api/v1/surveys/{survey['id']}", json={"status": "live"}, headers=tenant.headers())
    assert http.get(survey["path"]).status_code == 200
    http.patch(f"/api/v1/surveys/{survey['id']}", json={"status": "closed"}, headers=tenant.headers())
    closed = http.get(survey["path"])
    assert closed.status_code == 404
    assert "closed" in closed.text


def test_the_same_first_page_sent_at_the_same_moment_saves_one_response(
    http: httpx.Client, session: Session, server_url: str
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    survey = create_survey(http, make_tenant(session))
    respondent = Respondent(http)
    respondent.open(survey["path"])
    fields, action = respondent.form_fields(), respondent.action()

    def send(_: int) -> int:
        with httpx.Client(base_url=server_url) as client:
            return client.post(action, data={**fields, "q_nps": "9"}).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(send, range(8)))
    assert statuses == [303] * 8
    assert response_count(session) == 1
    assert len(records_of(session, survey["slug"])) == 1
