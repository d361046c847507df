"""Requests that fuzzing the running app turned into server errors: each is now a precise refusal, a 422 with
the field and the reason on the API, an error page inside the layout on the pages, and never a 500 or a
dropped connection."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.factories import event, feedback, make_tenant, make_user, post, sign_in
from tests.survey.factories import Respondent, create_survey

BIG = str(10**20)


def refused(reply: httpx.Response) -> list[tuple[str | None, str]]:
    assert reply.status_code == 422, f"{reply.status_code}: {reply.text[:500]}"
    return [(p.get("field"), p["reason"]) for p in reply.json()["error"]["problems"]]


def an_error_page(reply: httpx.Response, status: int = 422) -> str:
    assert reply.status_code == status, f"{reply.status_code}: {reply.text[:500]}"
    assert reply.headers["content-type"].startswith("text/html")
    assert '<nav class="app-nav"' in reply.text or "<main" in reply.text  # inside the layout
    return reply.text


def test_an_event_with_a_blank_type_is_refused(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    assert refused(post(http, tenant, "/api/v1/events", event(type=""))) == [("type", "must not be blank")]
    batch = post(http, tenant, "/api/v1/events/batch", {"items": [event(), event(type="  ")]})
    assert refused(batch) == [("items[1].type", "must not be blank")]


def test_a_record_with_a_null_or_blank_channel_is_stored_with_channel_other(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    for channel in (None, " "):
        reply = post(http, tenant, "/api/v1/feedback", feedback(channel=channel))
        assert reply.status_code == 201, reply.text
        stored = http.get(f"/api/v1/feedback/{reply.json()['id']}", headers=tenant.headers())
        assert stored.json()["channel"] == "other"


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/v1/metrics", {"metric": "nps", "by": "attributes.pl\x01an"}, "by"),
        ("/api/v1/metrics", {"metric": "nps", "where": "attributes.pl\x01an=pro"}, "where"),
        ("/api/v1/metrics", {"metric": "nps", "missing": "customer.pl\x01an"}, "missing"),
        ("/api/v1/records", {"where": "attributes.pl\x01an=pro"}, "where"),
    ],
)
def test_a_control_character_in_a_field_name_is_refused_on_the_api(
    http: httpx.Client, session: Session, path: str, params: dict[str, str], field: str
) -> None:
    tenant = make_tenant(session, "analyst")
    [(where, why)] = refused(http.get(path, params=params, headers=tenant.headers()))
    assert where == field
    assert why.startswith("'") and "control character" in why


@pytest.mark.parametrize(
    "params",
    [
        {"by": "attributes.pl\x01an", "metric": "nps"},
        {"where": "attributes.pl\x01an=pro", "metric": "nps"},
        {"missing": "customer.pl\x01an", "metric": "nps"},
    ],
)
def test_a_control_character_in_a_field_name_is_refused_on_the_pages(
    http: httpx.Client, session: Session, params: dict[str, str]
) -> None:
    tenant = make_tenant(session)
    sign_in(http, make_user(session, tenant.workspace_id, "analyst"))
    assert "control character" in an_error_page(http.get("/trends", params=params))
    if "by" not in params:  # the records page groups nothing
        assert "control character" in an_error_page(http.get("/records", params=params))


def test_a_line_break_in_the_csv_exports_grouping_is_refused_not_a_dropped_connection(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    sign_in(http, make_user(session, tenant.workspace_id, "analyst"))
    for by in ("attributes.plan\r\nX-Injected: 1", "attributes.plan\n"):
        reply = http.get("/export/figures.csv", params={"metric": "nps", "by": by})
        assert "control character" in an_error_page(reply)
        assert "x-injected" not in reply.headers
    fine = http.get("/export/figures.csv", params={"metric": "nps", "by": "attributes.plan"})
    assert fine.status_code == 200
    assert fine.headers["content-disposition"] == 'attachment; filename="nps-attributes.plan.csv"'


@pytest.mark.parametrize(
    "path", ["/api/v1/audit", "/api/v1/deliveries", "/api/v1/feedback", "/api/v1/cases", "/api/v1/customers"]
)
def test_a_huge_offset_is_refused_with_its_limit(http: httpx.Client, session: Session, path: str) -> None:
    tenant = make_tenant(session)
    [(field, why)] = refused(http.get(path, params={"offset": BIG}, headers=tenant.headers()))
    assert field == "offset" and "10000000" in why.replace(",", "").replace("_", "")
    assert http.get(path, params={"offset": "10000000"}, headers=tenant.headers()).status_code == 200


def test_a_huge_page_number_of_the_audit_page_is_refused_in_the_layout(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    sign_in(http, make_user(session, tenant.workspace_id, "admin"))
    assert "page" in an_error_page(http.get("/audit", params={"page": BIG}))
    assert http.get("/audit", params={"page": "2"}).status_code == 200


@pytest.mark.parametrize("opened", ["-1e20", "-100000000000000000000", BIG, "-5"])
def test_a_tampered_opening_time_on_a_survey_page_saves_the_answer(
    http: httpx.Client, session: Session, opened: str
) -> None:
    survey = create_survey(http, make_tenant(session))
    respondent = Respondent(http)
    respondent.open(survey["path"])
    reply = respondent.answer({"nps": 8}, follow=False, _opened=opened)
    assert reply.status_code in (303, 422), reply.text[:500]
    if reply.status_code == 422:
        assert "form is damaged" in reply.text


NUL_REASON = "holds a NUL character (\\u0000): binary data is not text"


def test_a_nul_character_anywhere_in_an_api_request_is_refused_with_its_field(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    assert refused(post(http, tenant, "/api/v1/case-teams", {"name": "Ops\x00"})) == [("name", NUL_REASON)]
    body = {"handle": "kim", "attributes": {"pl\x00an": "pro", "tier": ["gold", "x\x00"]}}
    assert refused(post(http, tenant, "/api/v1/customers", body)) == [
        ("attributes.pl\\u0000an", NUL_REASON),
        ("attributes.tier[1]", NUL_REASON),
    ]
    batch = {"items": [feedback(), feedback(text="late\x00")]}
    assert refused(post(http, tenant, "/api/v1/feedback/batch", batch)) == [("items[1].text", NUL_REASON)]
    query = http.get("/api/v1/audit", params={"actor": "a\x00"}, headers=tenant.headers())
    assert refused(query) == [("actor", NUL_REASON)]


def test_a_nul_character_in_a_page_form_or_a_survey_answer_is_refused_in_the_layout(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    survey = create_survey(http, tenant)
    respondent = Respondent(http)
    respondent.open(survey["path"])
    respondent.answer({"nps": 3})
    assert "NUL character" in an_error_page(respondent.answer({"improve": "late\x00"}, follow=False))
    sign_in(http, make_user(session, tenant.workspace_id, "admin"))
    reply = http.post("/initiatives", data={"csrf_token": "irrelevant", "name": "Faster\x00"})
    assert "NUL character" in an_error_page(reply)
