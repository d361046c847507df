"""The visual builder over plain form posts (as a browser without JavaScript): a survey made in the app is a
draft nobody can answer; every change is a small form checked by the definition model, refused beside the
control that made it; preview with logic live stores nothing; publishing makes the next version."""

from __future__ import annotations

import html
import json
import re
import uuid
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import csrf_token_in, make_tenant, make_user, sign_in, unique
from tests.survey.factories import HIDDEN_INPUT, Respondent, create_survey
from voxpop.survey.models import Survey, SurveyResponse, SurveyVersion


class Builder:
    """A signed-in editor using the builder's forms."""

    def __init__(self, http: httpx.Client, survey_id: str) -> None:
        self.http = http
        self.id = survey_id
        self.page = http.get(self.path())
        self.workspace_id: uuid.UUID | None = None

    def path(self, suffix: str = "") -> str:
        return f"/surveys/{self.id}/build{suffix}"

    def send(self, op: str, **fields: Any) -> httpx.Response:
        data: dict[str, Any] = {"csrf_token": csrf_token_in(self.page.text), "op": op, **fields}
        reply = self.http.post(self.path(), data=data)
        if reply.status_code == 303:
            self.page = self.http.get(reply.headers["location"])
        else:
            self.page = reply
        return reply

    def definition(self) -> dict[str, Any]:
        return dict(self.http.get(f"/surveys/{self.id}/definition.json").json())

    def question_card(self, qid: str) -> str:
        found = re.search(
            rf'<li class="question[^"]*" id="q-{qid}"[^>]*>(.*?)</li>\s*(?:<li class="question|</ol>)',
            self.page.text,
            re.S,
        )
        assert found, self.page.text[:3000]
        return found.group(1)


def new_survey(http: httpx.Client, session: Session, role: str = "analyst") -> tuple[Builder, str]:
    tenant = make_tenant(session)
    sign_in(http, make_user(session, tenant.workspace_id, role=role))
    listing = http.get("/surveys")
    slug = unique("b").lower()
    reply = http.post(
        "/surveys",
        data={
            "csrf_token": csrf_token_in(listing.text),
            "name": "After delivery",
            "slug": slug,
            "start": "nps",
        },
    )
    assert reply.status_code == 303, reply.text
    survey_id = reply.headers["location"].split("/")[2]
    assert reply.headers["location"] == f"/surveys/{survey_id}/build"
    builder = Builder(http, survey_id)
    builder.workspace_id = tenant.workspace_id
    return builder, slug


def test_a_survey_made_in_the_app_is_a_draft_until_published(http: httpx.Client, session: Session) -> None:
    builder, slug = new_survey(http, session)
    assert "Draft" in builder.page.text
    assert http.get(f"/s/{slug}").status_code == 404

    builder.send("page_add", type="long_text")
    assert [len(p["questions"]) for p in builder.definition()["pages"]] == [1, 1]
    assert http.get(f"/s/{slug}").status_code == 404

    reply = http.post(f"/surveys/{builder.id}/publish", data={"csrf_token": csrf_token_in(builder.page.text)})
    assert reply.status_code == 303
    assert "Published: respondents now get version 2" in http.get(reply.headers["location"]).text
    survey = session.scalars(select(Survey).where(Survey.slug == slug)).one()
    session.refresh(survey)
    assert (survey.status, survey.current_version, survey.draft) == ("live", 2, None)
    assert http.get(f"/s/{slug}").status_code == 200


def test_changes_to_a_live_survey_wait_in_the_draft_until_published(
    http: httpx.Client, session: Session
) -> None:
    builder, slug = new_survey(http, session)
    http.post(f"/surveys/{builder.id}/publish", data={"csrf_token": csrf_token_in(builder.page.text)})
    builder = Builder(http, builder.id)
    builder.send(
        "question_save", question="nps", text="Would you recommend us?", required="on", type="nps", id="nps"
    )
    assert "Unpublished changes" in builder.page.text
    assert "Would you recommend us?" not in http.get(f"/s/{slug}").text
    http.post(f"/surveys/{builder.id}/publish", data={"csrf_token": csrf_token_in(builder.page.text)})
    assert "Would you recommend us?" in http.get(f"/s/{slug}").text
    versions = session.scalar(
        select(func.count())
        .select_from(SurveyVersion)
        .where(SurveyVersion.survey_id == uuid.UUID(builder.id))
    )
    assert versions == 2  # publishing an unchanged draft only put version 1 live


def test_an_editor_builds_the_nps_follow_up_with_pickers(http: httpx.Client, session: Session) -> None:
    builder, _ = new_survey(http, session)
    builder.send("page_add", type="long_text")
    builder.send(
        "question_save", question="long_text", text="What should we improve?", type="long_text", id="improve"
    )
    builder.send("condition_add", scope="question:improve", on="nps")
    builder.send("condition_save", scope="question:improve", index="0", compare="lte", value="6")
    builder.send("question_add", page="1", type="single_choice")
    builder.send(
        "question_save",
        question="single_choice",
        type="single_choice",
        id="reason",
        text="What was it about?",
        choice_label=["Delivery", "Price", "Support", ""],
        choice_value=["option_1", "option_2", "", ""],
    )
    page_two = builder.definition()["pages"][1]["questions"]
    assert page_two[0]["show_if"] == [{"question": "nps", "op": "lte", "value": 6}]
    assert [(c["value"], c["label"]) for c in page_two[1]["choices"]] == [
        ("option_1", "Delivery"),
        ("option_2", "Price"),
        ("support", "Support"),
    ]
    assert (
        "“How likely are you to recommend us to a friend or colleague?” is at most 6 (0–6)"
        in html.unescape(builder.page.text)
    )


def test_a_refused_change_is_shown_beside_the_control_and_nothing_changes(
    http: httpx.Client, session: Session
) -> None:
    builder, _ = new_survey(http, session)
    builder.send("page_add", type="long_text")
    builder.send("condition_add", scope="page:1", on="nps")
    builder.send("question_add", page="0", type="csat")
    before = builder.definition()

    reply = builder.send("question_delete", question="nps")
    assert reply.status_code == 422
    assert "the logic of page 2 uses its answer" in html.unescape(builder.question_card("nps"))

    reply = builder.send("question_save", question="long_text", text="Why?", type="long_text", id="Not An Id")
    assert reply.status_code == 422
    card = html.unescape(builder.question_card("long_text"))
    assert "use lower-case letters, digits and _ only" in card
    assert 'aria-invalid="true"' in card

    reply = builder.send("question_save", question="nps", text="", type="nps", id="nps")
    assert reply.status_code == 422
    assert "error" in builder.question_card("nps")
    assert builder.definition() == before


def test_questions_move_duplicate_and_delete(http: httpx.Client, session: Session) -> None:
    builder, _ = new_survey(http, session)
    builder.send("question_add", page="0", type="short_text")
    builder.send("question_duplicate", question="short_text")
    assert [q["id"] for q in builder.definition()["pages"][0]["questions"]] == [
        "nps",
        "short_text",
        "short_text_2",
    ]
    builder.send("question_up", question="short_text_2")
    assert [q["id"] for q in builder.definition()["pages"][0]["questions"]] == [
        "nps",
        "short_text_2",
        "short_text",
    ]
    builder.send("page_add", type="csat")
    builder.send("question_down", question="short_text")
    pages = builder.definition()["pages"]
    assert [[q["id"] for q in p["questions"]] for p in pages] == [
        ["nps", "short_text_2"],
        ["short_text", "csat"],
    ]
    builder.send("question_delete", question="short_text_2")
    builder.send("page_up", page="1")
    pages = builder.definition()["pages"]
    assert [[q["id"] for q in p["questions"]] for p in pages] == [["short_text", "csat"], ["nps"]]
    builder.send("question_place", question="csat", page="0", position="0")
    pages = builder.definition()["pages"]
    assert [[q["id"] for q in p["questions"]] for p in pages] == [["csat", "short_text"], ["nps"]]
    reply = builder.send("question_place", question="nps", page="0", position="1")
    assert reply.status_code == 422  # page 2 would be empty
    builder.send("question_place", question="short_text", page="1", position="1")
    pages = builder.definition()["pages"]
    assert [[q["id"] for q in p["questions"]] for p in pages] == [["csat"], ["nps", "short_text"]]
    builder.send("page_delete", page="1")
    assert len(builder.definition()["pages"]) == 1


def test_settings_hidden_fields_and_thank_you(http: httpx.Client, session: Session) -> None:
    builder, _ = new_survey(http, session)
    builder.send(
        "settings_save",
        settings="1",
        thank_you="Thanks a lot!",
        hidden_fields="order_id, store",
        ask_consent="on",
    )
    definition = builder.definition()
    assert (definition["thank_you"], definition["hidden_fields"], definition["ask_consent"]) == (
        "Thanks a lot!",
        ["order_id", "store"],
        True,
    )
    reply = builder.send("settings_save", settings="1", hidden_fields="Order ID")
    assert reply.status_code == 422
    assert "hidden_fields" in html.unescape(builder.page.text)


def preview_answer(http: httpx.Client, page: httpx.Response, answers: dict[str, str]) -> httpx.Response:
    fields = {name: html.unescape(value) for name, value in HIDDEN_INPUT.findall(page.text)}
    return http.post(page.url.path, data={**fields, **answers})


def test_the_preview_runs_the_drafts_logic_and_stores_nothing(http: httpx.Client, session: Session) -> None:
    builder, _ = new_survey(http, session)
    builder.send("page_add", type="long_text")
    builder.send("condition_add", scope="question:long_text", on="nps")
    builder.send("condition_save", scope="question:long_text", index="0", compare="lte", value="6")
    builder.send("question_add", page="1", type="short_text")

    first = http.get(f"/surveys/{builder.id}/preview/page")
    assert "Preview: answers are not stored" in first.text
    assert "frame-ancestors 'self'" in first.headers["content-security-policy"]
    refused = preview_answer(http, first, {})
    assert refused.status_code == 422
    low = preview_answer(http, first, {"q_nps": "3"})
    assert 'name="q_long_text"' in low.text and 'name="q_short_text"' in low.text
    high = preview_answer(http, first, {"q_nps": "9"})
    assert 'name="q_long_text"' not in high.text and 'name="q_short_text"' in high.text
    thanks = preview_answer(http, high, {"q_short_text": "fine"})
    assert "Thank you for your answers." in thanks.text
    stored = session.scalar(
        select(func.count())
        .select_from(SurveyResponse)
        .where(SurveyResponse.survey_id == uuid.UUID(builder.id))
    )
    assert stored == 0
    frame = http.get(f"/surveys/{builder.id}/preview?size=phone")
    assert 'width="390"' in frame.text


def test_the_preview_shows_each_language_and_flags_missing_translations(
    http: httpx.Client, session: Session
) -> None:
    builder, _ = new_survey(http, session)
    builder.send("question_save", question="nps", text="Würden Sie uns empfehlen?", lang="de")
    definition = builder.definition()
    assert definition["pages"][0]["questions"][0]["text"] == {
        "en": "How likely are you to recommend us to a friend or colleague?",
        "de": "Würden Sie uns empfehlen?",
    }
    german = http.get(f"{builder.path()}?lang=de&edit=nps")
    assert "missing" in german.text  # the thank-you text has no German yet
    assert "Würden Sie uns empfehlen?" in http.get(f"/surveys/{builder.id}/preview/page?lang=de").text


def test_the_json_view_imports_and_exports_the_same_draft(http: httpx.Client, session: Session) -> None:
    builder, _ = new_survey(http, session)
    page = http.get(builder.path("/json"))
    definition = json.loads(
        html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", page.text, re.S).group(1))
    )  # type: ignore[union-attr]
    definition["pages"][0]["questions"][0]["text"] = "Imported?"
    token = csrf_token_in(page.text)
    saved = http.post(builder.path("/json"), data={"csrf_token": token, "definition": json.dumps(definition)})
    assert saved.status_code == 303
    assert builder.definition()["pages"][0]["questions"][0]["text"] == "Imported?"
    refused = http.post(builder.path("/json"), data={"csrf_token": token, "definition": '{"pages": []}'})
    assert refused.status_code == 422
    assert "pages: List should have at least 1 item" in html.unescape(refused.text)
    uploaded = http.post(
        builder.path("/json"),
        data={"csrf_token": token, "definition": ""},
        files={
            "file": ("s.json", json.dumps({**definition, "thank_you": "From a file"}), "application/json")
        },
    )
    assert uploaded.status_code == 303
    assert builder.definition()["thank_you"] == "From a file"


def test_surveys_made_through_the_api_stay_live(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    survey = create_survey(http, tenant)
    assert survey["status"] == "live"
    assert Respondent(http).open(survey["path"]).status_code == 200


def test_only_editors_open_the_builder(http: httpx.Client, session: Session, server_url: str) -> None:
    builder, _ = new_survey(http, session)
    assert builder.workspace_id is not None
    with httpx.Client(base_url=server_url) as viewer:
        sign_in(viewer, make_user(session, builder.workspace_id, role="viewer"))
        assert viewer.get(builder.path()).status_code == 403
        assert viewer.get(f"/surveys/{builder.id}/preview/page").status_code == 200
