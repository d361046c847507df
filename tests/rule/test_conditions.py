"""Each condition alone and combined, checked by the dry run (the same checks the background evaluation
runs) over records whose matches are counted by hand."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.factories import Tenant, make_tenant
from tests.rule.factories import days_ago, dry_run, recent, send


def customer(plan: str, value: Any) -> dict[str, Any]:
    from tests.factories import unique

    return {"email": unique("c") + "@example.com", "attributes": {"plan": plan, "value": value}}


@pytest.fixture
def records(session: Session, http: httpx.Client) -> tuple[Tenant, dict[str, str]]:
    tenant = make_tenant(session)
    ids = send(
        http,
        tenant,
        recent(nps=2, channel="email", customer=customer("gold", 5000), attributes={"region": "EU"}),
        recent(nps=9, channel="chat", customer=customer("basic", 100), attributes={"region": "US"}),
        recent(
            nps=None, csat=2, channel="email", customer=customer("Gold", "7000"), text="I want a refund now"
        ),
        recent(
            nps=None,
            ces=6,
            rating=4.5,
            channel="web",
            source="shop",
            lifecycle_stage="support",
            touchpoint="checkout",
            text="The refund and the delivery were fine",
        ),
        recent(nps=1, channel="email", received_at=days_ago(40)),
    )
    return tenant, dict(zip("ABCDE", ids, strict=True))


CASES: list[tuple[str, dict[str, Any], str]] = [
    ("nps at most", {"nps": {"max": 6}}, "A"),
    ("nps at least", {"nps": {"min": 9}}, "B"),
    ("csat", {"csat": {"max": 2}}, "C"),
    ("ces", {"ces": {"min": 5}}, "D"),
    ("star rating", {"rating": {"min": 4, "max": 5}}, "D"),
    ("channel, any case", {"channels": ["EMAIL"]}, "AC"),
    ("one of several channels", {"channels": ["chat", "web"]}, "BD"),
    ("source", {"sources": ["shop"]}, "D"),
    ("lifecycle stage", {"lifecycle_stages": ["support"]}, "D"),
    ("touchpoint", {"touchpoints": ["checkout"]}, "D"),
    ("customer attribute equals, any case", {"customer": [{"key": "plan", "equals": "GOLD"}]}, "AC"),
    ("customer attribute in", {"customer": [{"key": "plan", "in": ["basic", "silver"]}]}, "B"),
    (
        "customer value range, numbers written as text too",
        {"customer": [{"key": "value", "min": 1000}]},
        "AC",
    ),
    ("record attribute", {"attributes": [{"key": "region", "equals": "eu"}]}, "A"),
    ("any keyword", {"keywords": {"any": ["refund", "nothing"]}}, "CD"),
    ("all keywords", {"keywords": {"all": ["refund", "delivery"]}}, "D"),
    ("keywords are whole words", {"keywords": {"any": ["fun"]}}, ""),
    ("channel and score together", {"channels": ["email"], "nps": {"max": 6}}, "A"),
    ("channel and keyword together", {"channels": ["email"], "keywords": {"any": ["refund"]}}, "C"),
    ("no conditions match everything", {}, "ABCD"),
]


@pytest.mark.parametrize(("conditions", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_condition_matches_exactly_the_records_counted_by_hand(
    records: tuple[Tenant, dict[str, str]], http: httpx.Client, conditions: dict[str, Any], expected: str
) -> None:
    tenant, ids = records
    result = dry_run(http, tenant, conditions)
    assert result["checked"] == 4
    assert result["matched"] == len(expected)
    assert {e["id"] for e in result["examples"]} == {ids[name] for name in expected}


def test_the_dry_run_looks_back_as_many_days_as_asked(
    records: tuple[Tenant, dict[str, str]], http: httpx.Client
) -> None:
    tenant, ids = records
    result = dry_run(http, tenant, {"nps": {"max": 6}}, days=60)
    assert (result["checked"], result["matched"]) == (5, 2)
    assert [e["id"] for e in result["examples"]] == [ids["A"], ids["E"]]
    assert result["examples"][0]["matched"] == ["nps ≤ 6"] and result["examples"][0]["scores"] == {"nps": 2.0}


def test_the_dry_run_counts_only_the_callers_workspace(
    records: tuple[Tenant, dict[str, str]], session: Session, http: httpx.Client
) -> None:
    stranger = make_tenant(session, "viewer")
    result = dry_run(http, stranger, {"nps": {"max": 10}})
    assert (result["checked"], result["matched"], result["examples"]) == (0, 0, [])
