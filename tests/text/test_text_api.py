"""Text analytics over real HTTP: records are analysed in the background as they arrive, the source text is
redacted, results come back per record, and nothing crosses a workspace wall."""

from __future__ import annotations

import time
from typing import Any

import httpx
from sqlalchemy.orm import Session

from tests.factories import Tenant, feedback, make_tenant, post, writing
from voxpop.text import themes


def wait_for_analysis(
    http: httpx.Client, tenant: Tenant, feedback_id: str, timeout: float = 90
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = http.get(f"/api/v1/feedback/{feedback_id}/analysis", headers=tenant.headers())
        if response.status_code == 200:
            return dict(response.json())
        assert response.status_code == 404, response.text
        time.sleep(0.3)
    raise AssertionError("the record was not analysed in time")


def test_a_record_is_analysed_in_the_background_and_its_text_redacted(
    session: Session, http: httpx.Client
) -> None:
    tenant = make_tenant(session)
    text = (
        "Delivery was slow but the driver was lovely. Call me on +1 415 555 2671, I'm cancelling otherwise."
    )
    created = post(http, tenant, "/api/v1/feedback", feedback(text=text)).json()
    analysis = wait_for_analysis(http, tenant, created["id"])
    assert analysis["language"] == "en" and analysis["redactions"] == {"phone": 1}
    assert "[phone]" in analysis["text"] and "555" not in analysis["text"]
    labels = [s["sentiment"]["label"] for s in analysis["sentences"]]
    assert labels[:2] == ["negative", "positive"]
    assert {
        "kind": "churn_intent",
        "detail": "leaving",
        "sentence": 2,
        "phrase": "I'm cancelling",
    } in analysis["signals"]
    stored = http.get(f"/api/v1/feedback/{created['id']}", headers=tenant.headers()).json()
    assert "555" not in stored["text"] and "[phone]" in stored["text"]


def test_another_workspace_cannot_read_the_analysis_or_touch_the_themes(
    session: Session, http: httpx.Client
) -> None:
    owner, stranger = make_tenant(session), make_tenant(session)
    created = post(http, owner, "/api/v1/feedback", feedback(text="The refund took three weeks.")).json()
    wait_for_analysis(http, owner, created["id"])
    with writing(session) as writer:
        theme = themes.add(writer, owner.workspace_id, "Refunds", ["refund took long"], "")
    path = f"/api/v1/feedback/{created['id']}/analysis"
    assert http.get(path, headers=stranger.headers()).status_code == 404
    assert http.get("/api/v1/themes", headers=stranger.headers()).json() == []
    for method, url, body in [
        ("GET", f"/api/v1/themes/{theme.id}", None),
        ("PATCH", f"/api/v1/themes/{theme.id}", {"name": "Mine now"}),
        ("POST", f"/api/v1/themes/{theme.id}/merge", {"target_id": str(theme.id)}),
        ("DELETE", f"/api/v1/themes/{theme.id}", None),
    ]:
        response = http.request(method, url, json=body, headers=stranger.headers())
        assert response.status_code == 404, (method, url, response.text)
    assert http.get(f"/api/v1/search?like={created['id']}", headers=stranger.headers()).status_code == 404
    assert http.get("/api/v1/search?q=refund", headers=stranger.headers()).json() == []


def test_theme_curation_over_the_api_refuses_bad_requests_precisely(
    session: Session, http: httpx.Client
) -> None:
    tenant = make_tenant(session)
    made = post(http, tenant, "/api/v1/themes", {"name": "Refunds", "examples": ["refund took long"]})
    assert made.status_code == 201, made.text
    theme_id = made.json()["id"]
    empty = post(http, tenant, "/api/v1/themes", {"name": "Nothing", "examples": []})
    assert empty.status_code == 422 and "examples" in empty.text
    itself = post(http, tenant, f"/api/v1/themes/{theme_id}/merge", {"target_id": theme_id})
    assert itself.status_code == 422 and "merged into itself" in itself.text
    renamed = http.patch(f"/api/v1/themes/{theme_id}", json={"name": "Money back"}, headers=tenant.headers())
    assert renamed.json()["name"] == "Money back" and renamed.json()["edited"] is True
    nothing = http.patch(f"/api/v1/themes/{theme_id}", json={}, headers=tenant.headers())
    assert nothing.status_code == 422


def test_search_by_words_by_meaning_and_more_like_this(session: Session, http: httpx.Client) -> None:
    tenant = make_tenant(session)
    texts = [
        "My parcel arrived two weeks late.",
        "The courier lost my package.",
        "The cashier was very friendly.",
    ]
    ids = [post(http, tenant, "/api/v1/feedback", feedback(text=t)).json()["id"] for t in texts]
    for feedback_id in ids:
        wait_for_analysis(http, tenant, feedback_id)
    words = http.get("/api/v1/search", params={"q": "COURIER"}, headers=tenant.headers()).json()
    assert [hit["feedback_id"] for hit in words] == [ids[1]]
    meaning = http.get(
        "/api/v1/search",
        params={"q": "delivery problems", "mode": "meaning", "limit": 2},
        headers=tenant.headers(),
    ).json()
    assert {hit["feedback_id"] for hit in meaning} == {ids[0], ids[1]}
    like = http.get("/api/v1/search", params={"like": ids[0], "limit": 1}, headers=tenant.headers()).json()
    assert [hit["feedback_id"] for hit in like] == [ids[1]]
    assert http.get("/api/v1/search", headers=tenant.headers()).status_code == 422


def test_ideas_collect_distinct_requests_with_how_many_customers_asked(
    session: Session, http: httpx.Client
) -> None:
    tenant = make_tenant(session)
    texts = [
        "It would be great if you added a dark mode.",
        "Please add a dark mode to the app.",
        "It would be nice if the app had a dark mode.",
        "You should offer next-day delivery.",
        "The staff were nice.",
    ]
    ids = [post(http, tenant, "/api/v1/feedback", feedback(text=t)).json()["id"] for t in texts]
    for feedback_id in ids:
        wait_for_analysis(http, tenant, feedback_id)
    ideas = http.get("/api/v1/ideas", headers=tenant.headers()).json()
    assert [idea["customers"] for idea in ideas] == [3, 1]
    assert "dark mode" in ideas[0]["request"] and "delivery" in ideas[1]["request"]
