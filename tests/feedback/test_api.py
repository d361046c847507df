"""Feedback ingestion over HTTP: single and batched, idempotent, and precise about what it refuses."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import Tenant, feedback, make_tenant, post
from voxpop.feedback.models import Feedback


def stored(session: Session, tenant: Tenant) -> int:
    session.rollback()
    return session.scalar(select(func.count()).where(Feedback.workspace_id == tenant.workspace_id)) or 0


def test_a_record_is_stored_and_read_back(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    reply = post(http, tenant, "/api/v1/feedback", feedback(nps=9, csat=5, ces=6, rating=4.5, text="Lovely"))
    assert reply.status_code == 201, reply.text
    record = http.get(f"/api/v1/feedback/{reply.json()['id']}", headers=tenant.headers()).json()
    assert (record["nps"], record["csat"], record["ces"], record["rating"]) == (9, 5, 6, 4.5)
    assert record["text"] == "Lovely"
    assert record["customer_id"] is not None


def test_sending_the_same_source_and_id_again_updates_instead_of_duplicating(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    first = post(http, tenant, "/api/v1/feedback", feedback(external_id="T-1", nps=3)).json()
    second = post(http, tenant, "/api/v1/feedback", feedback(external_id="T-1", nps=8)).json()
    assert (first["status"], second["status"]) == ("created", "updated")
    assert first["id"] == second["id"]
    assert stored(session, tenant) == 1
    assert http.get(f"/api/v1/feedback/{first['id']}", headers=tenant.headers()).json()["nps"] == 8


def test_a_record_without_an_external_id_is_not_duplicated_when_resent(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    body = feedback(external_id=None)
    del body["external_id"]
    assert post(http, tenant, "/api/v1/feedback", body).json()["status"] == "created"
    assert post(http, tenant, "/api/v1/feedback", body).json()["status"] == "updated"
    assert stored(session, tenant) == 1


def test_a_batch_stores_every_item(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    reply = post(http, tenant, "/api/v1/feedback/batch", {"items": [feedback() for _ in range(250)]})
    assert reply.status_code == 201, reply.text
    assert reply.json()["created"] == 250
    assert stored(session, tenant) == 250


def test_a_batch_with_one_bad_item_stores_nothing_and_names_the_item_and_field(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    items = [feedback() for _ in range(5)]
    items[3]["nps"] = 12
    reply = post(http, tenant, "/api/v1/feedback/batch", {"items": items})
    assert reply.status_code == 422
    (problem,) = reply.json()["error"]["problems"]
    assert problem == {
        "row": 3,
        "field": "items[3].nps",
        "reason": "NPS must be a whole number from 0 to 10; got 12",
    }
    assert stored(session, tenant) == 0


def test_duplicate_ids_inside_one_batch_are_refused(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    items = [feedback(external_id="A"), feedback(external_id="B"), feedback(external_id="A")]
    reply = post(http, tenant, "/api/v1/feedback/batch", {"items": items})
    assert reply.status_code == 422
    assert reply.json()["error"]["problems"][0]["field"] == "items[2].external_id"
    assert "item 0" in reply.json()["error"]["problems"][0]["reason"]
    assert stored(session, tenant) == 0


def test_a_batch_over_the_limit_is_refused_whole(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    reply = post(http, tenant, "/api/v1/feedback/batch", {"items": [feedback() for _ in range(1001)]})
    assert reply.status_code == 413
    assert "at most 1,000" in reply.json()["error"]["message"]
    assert stored(session, tenant) == 0


def test_scores_of_each_scale_are_checked_against_their_own_range(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    cases = {
        "nps": (11, "NPS must be a whole number from 0 to 10"),
        "csat": (0, "CSAT must be a whole number from 1 to 5"),
        "ces": (8, "CES must be a whole number from 1 to 7"),
        "rating": (5.5, "star rating must be a number from 1 to 5"),
    }
    for score, (value, message) in cases.items():
        reply = post(http, tenant, "/api/v1/feedback", feedback(**{score: value}))
        assert reply.status_code == 422
        assert reply.json()["error"]["problems"][0]["reason"].startswith(message)
    assert stored(session, tenant) == 0


def test_a_score_of_the_wrong_type_is_refused(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    for value in ("nine", 7.5, True, [7]):
        reply = post(http, tenant, "/api/v1/feedback", feedback(nps=value))
        assert reply.status_code == 422, value
        assert reply.json()["error"]["problems"][0]["field"] == "nps"


def test_dates_in_the_future_or_unreadable_are_refused(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    future = post(http, tenant, "/api/v1/feedback", feedback(received_at="2999-01-01T00:00:00Z"))
    assert "is in the future" in future.json()["error"]["problems"][0]["reason"]
    garbled = post(http, tenant, "/api/v1/feedback", feedback(received_at="last tuesday"))
    assert "is not a date and time" in garbled.json()["error"]["problems"][0]["reason"]
    assert stored(session, tenant) == 0


def test_a_ten_megabyte_text_is_refused_with_its_length_and_the_limit(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    reply = post(http, tenant, "/api/v1/feedback", feedback(text="x" * 10 * 1024 * 1024))
    assert reply.status_code == 422
    reason = reply.json()["error"]["problems"][0]["reason"]
    assert "10,485,760 characters" in reason and "the limit is 50,000" in reason
    assert stored(session, tenant) == 0


def test_a_body_over_the_request_limit_is_refused_before_it_is_read(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    body = b'{"items": [' + b" " * (17 * 1024 * 1024) + b"]}"
    reply = http.post(
        "/api/v1/feedback/batch",
        content=body,
        headers={**tenant.headers(), "content-type": "application/json"},
    )
    assert reply.status_code == 413
    assert "larger than the limit" in reply.json()["error"]["message"]


def test_binary_garbage_and_malformed_json_get_a_precise_error(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    headers = {**tenant.headers(), "content-type": "application/json"}
    for body in (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", b'{"text": "unterminated'):
        reply = http.post("/api/v1/feedback", content=body, headers=headers)
        assert reply.status_code == 422
        assert "not valid JSON" in reply.json()["error"]["problems"][0]["reason"]
    assert stored(session, tenant) == 0


def test_control_characters_in_text_are_refused_as_binary(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    reply = post(http, tenant, "/api/v1/feedback", feedback(text="ok\x00\x01\x02"))
    assert reply.status_code == 422
    assert "binary data is not text" in reply.json()["error"]["problems"][0]["reason"]


def test_unknown_fields_and_records_that_say_nothing_are_refused(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    unknown = post(http, tenant, "/api/v1/feedback", feedback(sentiment="happy"))
    assert unknown.json()["error"]["problems"][0]["field"] == "sentiment"
    empty = post(http, tenant, "/api/v1/feedback", feedback(text=None, nps=None))
    assert "needs text, a title or at least one score" in empty.json()["error"]["problems"][0]["reason"]
    assert stored(session, tenant) == 0


def test_kinds_and_lifecycle_stages_accept_common_spellings_and_refuse_others(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    ok = post(http, tenant, "/api/v1/feedback", feedback(kind="Support Ticket", lifecycle_stage="Usage"))
    record = http.get(f"/api/v1/feedback/{ok.json()['id']}", headers=tenant.headers()).json()
    assert (record["kind"], record["lifecycle_stage"]) == ("support_ticket", "onboarding")
    bad = post(http, tenant, "/api/v1/feedback", feedback(kind="carrier pigeon"))
    assert "is not a feedback kind; use one of:" in bad.json()["error"]["problems"][0]["reason"]


def test_a_streamed_body_over_the_limit_is_cut_off_with_413(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)

    def chunks() -> Iterator[bytes]:
        yield b'{"items": ['
        for _ in range(17):
            yield b" " * (1024 * 1024)
        yield b"]}"

    headers = {**tenant.headers(), "content-type": "application/json"}
    reply = http.post("/api/v1/feedback/batch", content=chunks(), headers=headers)
    assert reply.status_code == 413
    assert "larger than the limit" in reply.json()["error"]["message"]


def test_anonymous_answers_without_a_time_are_each_kept(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    kiosk = {"kind": "survey_response", "channel": "kiosk", "nps": 10}
    first = post(http, tenant, "/api/v1/feedback", kiosk).json()
    second = post(http, tenant, "/api/v1/feedback", kiosk).json()
    batch = post(http, tenant, "/api/v1/feedback/batch", {"items": [kiosk, kiosk]}).json()
    assert (first["status"], second["status"], batch["created"]) == ("created", "created", 2)
    assert stored(session, tenant) == 4


def test_an_update_without_a_time_keeps_the_time_first_given(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    first = post(
        http, tenant, "/api/v1/feedback", feedback(external_id="T-9", received_at="2025-01-02T03:04:05Z")
    )
    update = feedback(external_id="T-9", nps=1)
    del update["received_at"]
    post(http, tenant, "/api/v1/feedback", update)
    record = http.get(f"/api/v1/feedback/{first.json()['id']}", headers=tenant.headers()).json()
    assert (record["nps"], record["received_at"]) == (1, "2025-01-02T03:04:05Z")
