"""Key drivers from stored records: rating items found by name, ranked by their share of R², over the API
and on the drivers page."""

from __future__ import annotations

import random

import httpx
from sqlalchemy.orm import Session

from tests.factories import feedback, make_tenant, make_user, post, sign_in


def rated_answers(count: int) -> list[dict[str, object]]:
    rng = random.Random(11)
    rows = []
    for _ in range(count):
        delivery, price, app = rng.randint(1, 5), rng.randint(1, 5), rng.randint(1, 5)
        nps = max(0, min(10, round(1.6 * delivery + 0.6 * price + rng.gauss(0, 1))))
        rows.append(
            feedback(
                nps=nps,
                attributes={
                    "item_delivery": delivery,
                    "item_price": price,
                    "item_app": app,
                    "would_return": "yes" if nps >= 7 else "no",
                },
            )
        )
    return rows


def test_drivers_rank_the_items_that_move_the_score(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    assert post(http, tenant, "/api/v1/feedback/batch", {"items": rated_answers(400)}).status_code == 201
    result = http.get(
        "/api/v1/drivers", params={"outcome": "nps", "resamples": 50}, headers=tenant.headers()
    ).json()
    assert [d["name"] for d in result["drivers"]] == [
        "attributes.item_delivery",
        "attributes.item_price",
        "attributes.item_app",
    ]
    assert result["n"] == 400 and 0.5 < result["r_squared"] < 1
    assert (
        sum(d["importance"] for d in result["drivers"]) == result["r_squared"]
        or abs(sum(d["importance"] for d in result["drivers"]) - result["r_squared"]) < 1e-9
    )
    yes_no = http.get(
        "/api/v1/drivers",
        params={
            "outcome": "attributes.would_return",
            "predictors": ["attributes.item_delivery", "attributes.item_app"],
            "method": "relative_weights",
            "resamples": 20,
        },
        headers=tenant.headers(),
    ).json()
    assert yes_no["drivers"][0]["name"] == "attributes.item_delivery"


def test_the_drivers_page_shows_the_priority_matrix_and_table(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    post(http, tenant, "/api/v1/feedback/batch", {"items": rated_answers(200)})
    sign_in(http, make_user(session, tenant.workspace_id, role="viewer"))
    page = http.get("/drivers")
    assert page.status_code == 200
    assert "<svg" in page.text and 'id="drivers"' in page.text and "attributes.item_delivery" in page.text


def test_no_predictors_is_a_clear_error(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    reply = http.get("/api/v1/drivers", headers=tenant.headers())
    assert reply.status_code == 422 and reply.json()["error"]["message"] == "no predictors"
