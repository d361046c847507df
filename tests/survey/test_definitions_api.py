"""Survey definitions through the API: checked as a whole, versioned, and walled off per workspace."""

from __future__ import annotations

import httpx
from sqlalchemy.orm import Session

from tests.factories import make_key, make_tenant, post
from tests.survey.factories import create_survey, nps_definition, question


def problems(reply: httpx.Response) -> list[dict[str, str]]:
    return list(reply.json()["error"].get("problems", []))


def test_a_new_survey_is_version_1_at_its_public_address(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    created = create_survey(
        http, tenant, slug="after-delivery", lifecycle_stage="purchase", touchpoint="Delivery"
    )
    assert created["version"] == 1
    assert created["path"] == "/s/after-delivery"
    assert (created["lifecycle_stage"], created["touchpoint"]) == ("purchase", "delivery")
    read = http.get(f"/api/v1/surveys/{created['id']}", headers=tenant.headers()).json()
    assert read["definition"]["pages"][0]["questions"][0]["type"] == "nps"
    assert http.get("/s/after-delivery").status_code == 200


def test_a_condition_on_a_later_question_is_refused_with_where_and_why(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    definition = nps_definition()
    definition["pages"][0]["questions"][0]["show_if"] = [{"question": "improve", "op": "answered"}]
    reply = post(http, tenant, "/api/v1/surveys", {"name": "x", "definition": definition})
    assert reply.status_code == 422
    (problem,) = problems(reply)
    assert problem["field"] == "definition"
    assert "'improve', which is not a question on an earlier page" in problem["reason"]


def test_each_question_type_is_checked_against_its_own_rules(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    cases = {
        "a choice question needs choices": question("pick", "single_choice"),
        "rating and matrix questions need a scale": question("stars", "rating"),
        "a matrix needs items": question("grid", "matrix", scale=[1, 5]),
        "at most 11 points": question("wide", "rating", scale=[1, 20]),
        "two choices share a value": question(
            "dup", "multiple_choice", choices=[{"value": "a", "label": "A"}, {"value": "a", "label": "B"}]
        ),
    }
    for reason, bad in cases.items():
        definition = {"pages": [{"questions": [bad]}]}
        reply = post(http, tenant, "/api/v1/surveys", {"name": "x", "definition": definition})
        assert reply.status_code == 422, reason
        assert any(reason in p["reason"] for p in problems(reply)), (reason, problems(reply))


def test_piping_an_unknown_hidden_field_or_a_later_answer_is_refused(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    for text, reason in (
        ("Your order {hidden.order_id}?", "hidden field not in hidden_fields"),
        ("You said {answer.later}?", "not on an earlier page"),
    ):
        definition = {
            "pages": [
                {"questions": [question("a", "short_text", text)]},
                {"questions": [question("later", "nps")]},
            ]
        }
        reply = post(http, tenant, "/api/v1/surveys", {"name": "x", "definition": definition})
        assert reply.status_code == 422
        assert reason in problems(reply)[0]["reason"]


def test_every_edit_of_the_definition_is_a_new_version_and_old_ones_stay(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    created = create_survey(http, tenant)
    changed = nps_definition()
    changed["pages"][0]["questions"][0]["text"] = "Would you recommend us?"
    reply = http.patch(
        f"/api/v1/surveys/{created['id']}", json={"definition": changed}, headers=tenant.headers()
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["version"] == 2
    renamed = http.patch(
        f"/api/v1/surveys/{created['id']}", json={"name": "Renamed"}, headers=tenant.headers()
    )
    assert renamed.json()["version"] == 2
    versions = http.get(f"/api/v1/surveys/{created['id']}/versions", headers=tenant.headers()).json()
    assert [v["number"] for v in versions] == [2, 1]
    texts = [v["definition"]["pages"][0]["questions"][0]["text"] for v in versions]
    assert texts == ["Would you recommend us?", "How likely are you to recommend us?"]


def test_a_taken_slug_is_a_conflict(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    create_survey(http, tenant, slug="taken-one")
    reply = post(
        http, tenant, "/api/v1/surveys", {"name": "x", "slug": "taken-one", "definition": nps_definition()}
    )
    assert reply.status_code == 409
    assert "/s/taken-one is taken" in reply.json()["error"]["message"]


def test_another_workspace_cannot_read_change_or_invite(http: httpx.Client, session: Session) -> None:
    owner, stranger = make_tenant(session), make_tenant(session)
    survey_id = create_survey(http, owner)["id"]
    base = f"/api/v1/surveys/{survey_id}"
    headers = stranger.headers()
    assert http.get(base, headers=headers).status_code == 404
    assert http.get(base + "/funnel", headers=headers).status_code == 404
    assert http.get(base + "/responses", headers=headers).status_code == 404
    assert http.get(base + "/qr.svg", headers=headers).status_code == 404
    assert http.patch(base, json={"name": "mine"}, headers=headers).status_code == 404
    invite = {"customers": [{"email": "x@example.com"}]}
    assert http.post(base + "/invitations", json=invite, headers=headers).status_code == 404
    assert http.get("/api/v1/surveys", headers=headers).json() == []
    assert http.get(base, headers=owner.headers()).json()["name"] == "Delivery survey"


def test_a_viewer_may_read_surveys_but_not_create_them(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    viewer = {"Authorization": f"Bearer {make_key(session, tenant.workspace_id, 'viewer')}"}
    reply = http.post("/api/v1/surveys", json={"name": "x", "definition": nps_definition()}, headers=viewer)
    assert reply.status_code == 403
    assert http.get("/api/v1/surveys", headers=viewer).status_code == 200


def test_the_qr_code_is_an_svg_of_the_anonymous_link(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    survey_id = create_survey(http, tenant)["id"]
    reply = http.get(f"/api/v1/surveys/{survey_id}/qr.svg", headers=tenant.headers())
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "image/svg+xml"
    assert reply.text.startswith("<svg") and "<path" in reply.text


def test_another_workspaces_address_is_never_revealed_a_free_one_is_given_instead(
    http: httpx.Client, session: Session
) -> None:
    owner, other = make_tenant(session), make_tenant(session)
    create_survey(http, owner, slug="spring-check")
    body = {"name": "x", "slug": "spring-check", "definition": nps_definition()}
    reply = post(http, other, "/api/v1/surveys", body)
    assert reply.status_code == 201, reply.text
    given = reply.json()
    assert given["slug"].startswith("spring-check-") and given["path"] == "/s/" + given["slug"]
    assert "taken" not in reply.text
