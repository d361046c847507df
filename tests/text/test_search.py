"""Search keeps to the records the analytics filters choose — the same `where`, `missing`, `since` and `until`
as every figure — by words, by meaning and "more like this"; by meaning, it reads the newest analysed sentences a
chunk at a time, up to a budget, and says when the budget stopped it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.factories import Tenant, make_tenant, make_workspace
from tests.text.factories import analyse_all, store_records, store_texts, verbatims
from voxpop.kit.settings import get_settings
from voxpop.text import explore

# These tests analyse what they store themselves (tests.text.factories.analyse_all); storing also queues
# the analysis job, so the test server's runner is paused meanwhile.
pytestmark = pytest.mark.usefixtures("background_jobs_paused")

LATE = {
    "text": "My parcel arrived two weeks late.",
    "channel": "email",
    "received_at": "2025-03-04T10:00:00Z",
}
LOST = {"text": "The courier lost my parcel.", "channel": "sms", "received_at": "2025-05-10T10:00:00Z"}
DELAYED = {
    "text": "The parcel was delayed by the courier.",
    "channel": "email",
    "received_at": "2025-06-01T10:00:00Z",
}
FRIENDLY = {
    "text": "The cashier was very friendly.",
    "channel": "email",
    "received_at": "2025-03-04T10:00:00Z",
}


@pytest.fixture
def parcels(session: Session) -> tuple[Tenant, dict[str, str]]:
    """A workspace with four analysed records: three about parcels on two channels and three dates."""
    tenant = make_tenant(session)
    ids = store_records(session, tenant.workspace_id, [LATE, LOST, DELAYED, FRIENDLY])
    analyse_all(session, tenant.workspace_id)
    return tenant, dict(zip(("late", "lost", "delayed", "friendly"), map(str, ids), strict=True))


def found(http: httpx.Client, tenant: Tenant, **params: Any) -> list[str]:
    response = http.get("/api/v1/search", params=params, headers=tenant.headers())
    assert response.status_code == 200, response.text
    return [hit["feedback_id"] for hit in response.json()]


def test_words_search_keeps_to_the_filtered_channel_and_dates(
    http: httpx.Client, parcels: tuple[Tenant, dict[str, str]]
) -> None:
    tenant, ids = parcels
    assert found(http, tenant, q="parcel", where="channel=email") == [ids["delayed"], ids["late"]]
    assert found(http, tenant, q="parcel", where="channel=sms") == [ids["lost"]]
    assert found(http, tenant, q="parcel", since="2025-05-01", until="2025-05-31") == [ids["lost"]]
    assert found(http, tenant, q="parcel", where="channel=chat") == []


def test_meaning_search_and_more_like_this_keep_to_the_filtered_records(
    http: httpx.Client, parcels: tuple[Tenant, dict[str, str]]
) -> None:
    tenant, ids = parcels
    emails = found(http, tenant, q="late delivery", mode="meaning", where="channel=email", limit=2)
    assert set(emails) == {ids["late"], ids["delayed"]}
    recent = found(http, tenant, q="late delivery", mode="meaning", since="2025-05-01", limit=5)
    assert set(recent) == {ids["lost"], ids["delayed"]}
    assert found(http, tenant, like=ids["late"], where="channel=sms") == [ids["lost"]]
    assert set(found(http, tenant, like=ids["late"], since="2025-05-01")) == {ids["lost"], ids["delayed"]}
    assert found(http, tenant, like=ids["late"], limit=1) == [ids["delayed"]]


def test_a_bad_filter_is_refused_with_the_field_and_why(
    http: httpx.Client, parcels: tuple[Tenant, dict[str, str]]
) -> None:
    tenant, _ = parcels
    for params, field, words in [  # the query, the field its problem names, and what it says
        ({"q": "parcel", "where": "no_such_field=1"}, "no_such_field", "unknown field"),
        ({"q": "parcel", "mode": "meaning", "since": "yesterday"}, "since", "not a date"),
        ({"q": "parcel", "where": "channel"}, "where", "FIELD=VALUE"),
        ({"q": "parcel", "since": "2025-06-01", "until": "2025-05-01"}, "since", "empty"),
    ]:
        response = http.get("/api/v1/search", params=params, headers=tenant.headers())
        assert response.status_code == 422, (params, response.text)
        error = response.json()["error"]
        assert field in [problem["field"] for problem in error["problems"]], (params, error)
        assert words in str(error), (params, error)


def test_filters_never_reach_into_another_workspace(
    session: Session, http: httpx.Client, parcels: tuple[Tenant, dict[str, str]]
) -> None:
    _, ids = parcels
    stranger = make_tenant(session)
    for params in [
        {"q": "parcel", "where": "channel=email"},
        {"q": "parcel", "mode": "meaning", "since": "2025-01-01"},
    ]:
        assert found(http, stranger, **params) == []
    response = http.get(
        "/api/v1/search", params={"like": ids["late"], "where": "channel=sms"}, headers=stranger.headers()
    )
    assert response.status_code == 404


def test_the_result_is_the_same_whatever_the_chunk_size(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace_id = make_workspace(session)
    texts = [f"{text}, order {i}" for i, (_, text) in enumerate(verbatims(12))]  # no two alike
    ids = store_texts(session, workspace_id, texts)
    analyse_all(session, workspace_id)
    model = get_settings().text_model

    def search(query: str) -> explore.Nearest:
        return explore.semantic_search(session, workspace_id, query, model, limit=5)

    whole = [search(text) for text in texts[:3]]
    assert all(nearest.complete and nearest.searched == len(texts) for nearest in whole)
    monkeypatch.setattr(explore, "SEARCH_CHUNK", 4)
    assert [search(text) for text in texts[:3]] == whole
    assert [nearest.hits[0][0] for nearest in whole] == ids[:3]  # the oldest records are found too
    like_whole = explore.similar_records(session, workspace_id, ids[0], limit=6)
    monkeypatch.setattr(explore, "SEARCH_CHUNK", 1)
    assert explore.similar_records(session, workspace_id, ids[0], limit=6) == like_whole
    assert ids[0] not in [record for record, _ in like_whole.hits]


def test_a_search_by_meaning_stops_at_its_budget_newest_first_and_says_so(
    session: Session, http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = make_tenant(session)
    late, lost = store_records(session, tenant.workspace_id, [LATE, LOST])
    analyse_all(session, tenant.workspace_id)
    delayed, _ = store_records(session, tenant.workspace_id, [DELAYED, FRIENDLY])
    analyse_all(session, tenant.workspace_id)  # these two records' sentences are the newest
    monkeypatch.setattr(explore, "SEARCH_BUDGET", 2)
    params = {"q": "parcel came late", "mode": "meaning", "limit": 1}
    response = http.get("/api/v1/search", params=params, headers=tenant.headers())
    assert response.headers["X-Searched-Sentences"] == "2"
    assert response.headers["X-Search-Complete"] == "false"
    assert [hit["feedback_id"] for hit in response.json()] == [str(delayed)]
    may = {**params, "since": "2025-05-01", "until": "2025-05-31"}  # reaches an older sentence
    older = http.get("/api/v1/search", params=may, headers=tenant.headers())
    assert older.headers["X-Search-Complete"] == "true"
    assert [hit["feedback_id"] for hit in older.json()] == [str(lost)]
    assert str(late) not in {hit["feedback_id"] for hit in response.json() + older.json()}
