"""Personal links, hidden fields, translations, versions, consent and the funnel, through the hosted pages."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import Tenant, make_key, make_tenant
from tests.survey.factories import Respondent, create_survey, nps_definition, question
from voxpop.feedback.models import Feedback
from voxpop.survey.models import SurveyResponse


def invite(
    http: httpx.Client, tenant: Tenant, survey_id: str, *customers: dict[str, str], **extra: object
) -> list[dict[str, str]]:
    reply = http.post(
        f"/api/v1/surveys/{survey_id}/invitations",
        json={"customers": list(customers), **extra},
        headers=tenant.headers(),
    )
    assert reply.status_code == 201, reply.text
    return list(reply.json())


def record_of(session: Session, slug: str) -> Feedback:
    session.rollback()
    (record,) = session.scalars(select(Feedback).where(Feedback.source == f"survey:{slug}"))
    return record


def test_a_personal_link_greets_the_customer_and_ties_the_answer_to_them(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    definition = nps_definition()
    definition["pages"][0]["questions"][0]["text"] = "{first_name|Hello}, would you recommend us?"
    survey = create_survey(http, tenant, definition)
    (link,) = invite(
        http, tenant, survey["id"], {"email": "ada@example.com", "name": "Ada Lovelace"}, channel="email"
    )
    respondent = Respondent(http)
    respondent.open(link["path"])
    assert "Ada, would you recommend us?" in respondent.html
    respondent.answer({"nps": 9})
    record = record_of(session, survey["slug"])
    assert record.customer_id == uuid.UUID(link["customer_id"])
    assert record.channel == "email"
    anonymous = Respondent(http)
    anonymous.open(survey["path"])
    assert "Hello, would you recommend us?" in anonymous.html


def test_a_personal_link_answers_once_and_resumes_where_it_stopped(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    survey = create_survey(http, tenant)
    (link,) = invite(http, tenant, survey["id"], {"email": "bo@example.com"})
    first_tab, second_tab = Respondent(http), Respondent(http)
    first_tab.open(link["path"])
    second_tab.open(link["path"])
    first_tab.answer({"nps": 2})
    second_tab.answer({"nps": 10})
    assert "What should we improve?" in second_tab.html
    reopened = http.get(link["path"])
    assert reopened.status_code == 303
    assert "What should we improve?" in http.get(reopened.headers["location"]).text
    session.rollback()
    responses = list(session.scalars(select(SurveyResponse)))
    assert len(responses) == 1
    assert responses[0].answers == {"nps": 2}
    again = invite(http, tenant, survey["id"], {"email": "bo@example.com"})
    assert again[0]["token"] == link["token"] and again[0]["created"] is False


def test_a_token_of_another_survey_or_a_made_up_one_is_refused(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    one, other = create_survey(http, tenant), create_survey(http, tenant)
    (link,) = invite(http, tenant, one["id"], {"email": "cy@example.com"})
    assert http.get(f"{other['path']}?t={link['token']}").status_code == 404
    assert http.get(f"{one['path']}?t=made-up").status_code == 404


def test_hidden_fields_from_the_link_become_attributes(http: httpx.Client, session: Session) -> None:
    definition = nps_definition(hidden_fields=["order_id", "store", "touchpoint"])
    definition["pages"][1]["questions"][0]["text"] = "Order {hidden.order_id}: what should we improve?"
    survey = create_survey(http, make_tenant(session), definition, touchpoint="delivery")
    respondent = Respondent(http)
    respondent.open(f"{survey['path']}?order_id=A-17&store=Berlin&touchpoint=returns&evil=1")
    respondent.answer({"nps": 5})
    assert "Order A-17: what should we improve?" in respondent.html
    record = record_of(session, survey["slug"])
    assert record.attributes["order_id"] == "A-17"
    assert record.attributes["store"] == "Berlin"
    assert record.touchpoint == "returns"
    assert "evil" not in record.attributes


def test_a_tampered_form_cannot_add_undeclared_hidden_fields(http: httpx.Client, session: Session) -> None:
    survey = create_survey(http, make_tenant(session), nps_definition(hidden_fields=["order_id"]))
    respondent = Respondent(http)
    respondent.open(f"{survey['path']}?order_id=7")
    respondent.answer({"nps": 5}, h_secret="x", _channel="email")
    record = record_of(session, survey["slug"])
    assert record.attributes["order_id"] == "7"
    assert "secret" not in record.attributes
    assert record.channel == "web"


def test_a_personal_links_hidden_fields_come_from_the_invitation_only(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    survey = create_survey(http, tenant, nps_definition(hidden_fields=["order_id", "store"]))
    (link,) = invite(http, tenant, survey["id"], {"email": "hid@example.com"}, hidden={"order_id": "A-1"})
    respondent = Respondent(http)
    respondent.open(f"{link['path']}&order_id=forged&store=Forged")
    respondent.answer({"nps": 5}, h_order_id="forged-too", h_store="Forged")
    record = record_of(session, survey["slug"])
    assert record.attributes["order_id"] == "A-1"
    assert "store" not in record.attributes


GERMAN = nps_definition()
GERMAN["pages"][0]["questions"][0]["text"] = {
    "en": "Would you recommend us?",
    "de": "Würden Sie uns empfehlen?",
}
GERMAN["pages"][1]["questions"][1]["text"] = {"en": "What did you like?"}


def test_the_language_comes_from_the_link_then_the_browser(http: httpx.Client, session: Session) -> None:
    survey = create_survey(http, make_tenant(session), GERMAN)
    assert "Würden Sie uns empfehlen?" in http.get(survey["path"] + "?lang=de").text
    browser = http.get(survey["path"], headers={"Accept-Language": "fr;q=0.9, de-CH, en;q=0.5"}).text
    assert "Würden Sie uns empfehlen?" in browser and '<html lang="de">' in browser
    english = http.get(survey["path"] + "?lang=en", headers={"Accept-Language": "de"}).text
    assert "Would you recommend us?" in english
    assert "Would you recommend us?" in http.get(survey["path"] + "?lang=pt").text


def test_the_contacts_language_is_used_for_a_personal_link(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    survey = create_survey(http, tenant, GERMAN)
    (link,) = invite(http, tenant, survey["id"], {"email": "dora@example.com", "language": "de"})
    assert "Würden Sie uns empfehlen?" in http.get(link["path"]).text


def test_a_missing_translation_falls_back_visibly_never_to_a_blank(
    http: httpx.Client, session: Session
) -> None:
    survey = create_survey(http, make_tenant(session), GERMAN)
    respondent = Respondent(http)
    respondent.open(survey["path"] + "?lang=de")
    respondent.answer({"nps": 9})
    assert "Einige Fragen sind nicht übersetzt und werden auf English angezeigt." in respondent.html
    assert '<div class="card" lang="en">' in respondent.html
    assert "What did you like?" in respondent.html


def test_an_answer_keeps_the_version_it_was_given_on(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    survey = create_survey(http, tenant)
    early = Respondent(http)
    early.open(survey["path"])
    early.answer({"nps": 3})
    changed = nps_definition()
    changed["pages"][1]["questions"][0]["text"] = "Tell us what went wrong."
    http.patch(f"/api/v1/surveys/{survey['id']}", json={"definition": changed}, headers=tenant.headers())
    assert "You gave 3. What should we improve?" in http.get(early.history[-1].headers["location"]).text
    early.answer({"improve": "late"})
    late = Respondent(http)
    late.open(survey["path"])
    late.answer({"nps": 3})
    assert "Tell us what went wrong." in late.html
    session.rollback()
    versions = sorted(r.attributes["survey_version"] for r in session.scalars(select(Feedback)))
    assert versions == [1, 2]


def test_matrix_choices_and_consent_land_on_the_record(http: httpx.Client, session: Session) -> None:
    items = [{"value": "delivery", "label": "Delivery"}, {"value": "price", "label": "Price"}]
    choices = [{"value": "web", "label": "Website"}, {"value": "app", "label": "App"}]
    definition = {
        "ask_consent": True,
        "pages": [
            {"questions": [question("csat", "csat", required=True), question("ces", "ces")]},
            {
                "questions": [
                    question("parts", "matrix", scale=[1, 5], items=items, required=True),
                    question("where", "multiple_choice", choices=choices),
                    question("stars", "rating", scale=[1, 5]),
                    question("note", "short_text"),
                ]
            },
        ],
    }
    survey = create_survey(http, make_tenant(session), definition)
    respondent = Respondent(http)
    respondent.open(survey["path"])
    assert "May we contact you" not in respondent.html
    respondent.answer({"csat": 4, "ces": 6})
    assert "May we contact you about your answers?" in respondent.html
    partial = respondent.answer({"q_parts__delivery": 2, "stars": 5})
    assert partial.status_code == 422
    assert '<p class="error" id="err-parts">Rate every item.</p>' in partial.text
    assert record_of(session, survey["slug"]).csat == 4
    full = {"q_parts__delivery": 2, "q_parts__price": 4, "where": ["app", "web"], "stars": 5, "note": "ok"}
    assert respondent.answer({**full, "consent": "yes"}).status_code == 303
    record = record_of(session, survey["slug"])
    assert (record.csat, record.ces, record.rating, record.nps, record.text) == (4, 6, 5.0, None, "ok")
    assert record.attributes["item_delivery"] == 2 and record.attributes["item_price"] == 4
    assert record.attributes["answer_where"] == "web; app"
    assert record.attributes["contact_consent"] is True
    assert record.attributes["survey_completed"] is True


def test_erasing_a_customer_erases_their_links_and_answers(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    survey = create_survey(http, tenant)
    (link,) = invite(http, tenant, survey["id"], {"email": "zed@example.com"})
    respondent = Respondent(http)
    respondent.open(link["path"])
    respondent.answer({"nps": 2})
    assert (
        http.delete(f"/api/v1/customers/{link['customer_id']}", headers=tenant.headers()).status_code == 200
    )
    session.rollback()
    assert list(session.scalars(select(SurveyResponse))) == []
    assert http.get(link["path"]).status_code == 404


def test_hidden_fields_carrying_an_address_are_redacted_for_roles_without_personal_data(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    survey = create_survey(http, tenant, nps_definition(hidden_fields=["contact", "store"]))
    respondent = Respondent(http)
    respondent.open(f"{survey['path']}?contact=ann.lee@example.com&store=Berlin")
    respondent.answer({"nps": 5})
    path = f"/api/v1/surveys/{survey['id']}/responses"
    seen = {
        role: http.get(
            path, headers={"Authorization": f"Bearer {make_key(session, tenant.workspace_id, role)}"}
        ).json()
        for role in ("admin", "agent", "analyst", "viewer")
    }
    assert [r["hidden"]["contact"] for r in seen["admin"] + seen["agent"]] == ["ann.lee@example.com"] * 2
    for role in ("analyst", "viewer"):
        [response] = seen[role]
        assert "ann.lee" not in str(response) and response["hidden"]["store"] == "Berlin", role
