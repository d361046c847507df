"""Key-driver analysis finds the structure planted in the demo's relationship-survey rating matrix
(voxpop.demo.ratings, docs/demo.md): delivery and price drive NPS far more than the app and returns, and in
region north after the late deliveries start, delivery is what drives it most."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from voxpop.demo.generator import PLANTED_EFFECTS, RATING_ITEMS, DemoData, generate, month_start
from voxpop.feedback.schemas import FeedbackIn
from voxpop.insight.drivers import DriverAnalysis, key_drivers

END = datetime(2025, 6, 1, tzinfo=UTC)
ITEMS = [item.key for item in RATING_ITEMS]


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return generate(seed=7, end=END)


def drivers(answers: list[FeedbackIn]) -> DriverAnalysis:
    """Shapley regression of the NPS answer on the six items, over the complete cases (left-out items are
    missing values, which key_drivers excludes)."""
    outcome = [float(r.nps) if r.nps is not None else math.nan for r in answers]
    predictors = {key: [_rating(r, key) for r in answers] for key in ITEMS}
    scales = dict.fromkeys(ITEMS, (1.0, 5.0))
    return key_drivers(outcome, predictors, method="shapley", resamples=50, seed=1, scales=scales)


def _rating(record: FeedbackIn, key: str) -> float:
    value = (record.attributes or {}).get(key)
    return float(value) if isinstance(value, int) else math.nan


def percent(analysis: DriverAnalysis) -> dict[str, float]:
    return {driver.name: driver.percent for driver in analysis.drivers}


def relationship(demo: DemoData) -> list[FeedbackIn]:
    return [r for r in demo.feedback if r.touchpoint == "relationship survey" and r.nps is not None]


def test_the_planted_drivers_outrank_the_weak_ones(demo: DemoData) -> None:
    analysis = drivers(relationship(demo))
    shares = percent(analysis)
    assert analysis.n > 4000 and analysis.n_excluded > 1000  # ~5 % of each item is left out
    assert {driver.name for driver in analysis.drivers[:2]} == {"item_delivery", "item_price"}
    weak = max(shares["item_app"], shares["item_returns"])
    assert min(shares["item_delivery"], shares["item_price"]) > 3 * weak
    assert shares["item_product_quality"] > weak  # the steady moderate driver
    assert {driver.name for driver in analysis.drivers[-2:]} == {"item_app", "item_returns"}


def test_delivery_leads_in_north_after_the_late_deliveries_start(demo: DemoData) -> None:
    region = {c.external_id: (c.attributes or {})["region"] for c in demo.customers}
    late_from = month_start(END, PLANTED_EFFECTS[0].from_month)
    north_after = [
        r
        for r in relationship(demo)
        if r.customer and region[r.customer.external_id or ""] == "north" and r.received_at
        and r.received_at >= late_from
    ]  # fmt: skip
    analysis = drivers(north_after)
    assert analysis.n > 400
    assert analysis.drivers[0].name == "item_delivery"
    everyone = percent(drivers(relationship(demo)))
    assert percent(analysis)["item_delivery"] > everyone["item_delivery"] + 5
