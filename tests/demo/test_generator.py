"""The demo data: deterministic, at the promised volumes, valid, and carrying the planted effects of
docs/demo.md clearly enough for analytics to find them."""

from __future__ import annotations

import itertools
import math
import random
import re
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from voxpop.customer.models import Customer
from voxpop.demo import verbatims
from voxpop.demo.generator import (
    PLANTED_EFFECTS,
    RATING_ITEMS,
    REQUEST_WEIGHTS,
    DemoData,
    generate,
    month_start,
)
from voxpop.demo.service import load
from voxpop.demo.verbatims import REQUESTS, Facts, Mention
from voxpop.feedback.models import Feedback
from voxpop.feedback.schemas import FeedbackIn
from voxpop.journey.schemas import EventIn
from voxpop.kit.db import new_session
from voxpop.text.signals import detect
from voxpop.workspace import service as workspace_service

END = datetime(2025, 6, 1, tzinfo=UTC)
EFFECTS = {effect.key: effect for effect in PLANTED_EFFECTS}


@pytest.fixture(scope="module")
def full() -> DemoData:
    return generate(end=END)


@pytest.fixture(scope="module")
def small() -> DemoData:
    return generate(seed=11, end=END, customers=300, feedback=1500)


class Nps:
    """NPS of some answers with its standard error (docs/metrics.md)."""

    def __init__(self, scores: Iterable[int | None]) -> None:
        answers = [score for score in scores if score is not None]
        assert len(answers) >= 200, "too few answers to compare"
        promoters = sum(a >= 9 for a in answers) / len(answers)
        detractors = sum(a <= 6 for a in answers) / len(answers)
        self.value = 100 * (promoters - detractors)
        self.se = 100 * math.sqrt((promoters + detractors - (promoters - detractors) ** 2) / len(answers))

    def __sub__(self, other: Nps) -> Difference:
        return Difference(self.value - other.value, math.hypot(self.se, other.se))


@dataclass(frozen=True)
class Difference:
    value: float
    se: float

    def __sub__(self, other: Difference) -> Difference:
        return Difference(self.value - other.value, math.hypot(self.se, other.se))

    def clearly_above(self, points: float) -> bool:
        """Above `points` by more than three standard errors: no accident of sampling."""
        return self.value - 3 * self.se > points


def attribute(data: DemoData, name: str) -> Callable[[FeedbackIn], object]:
    """The attribute `name` of the customer a record (that names its customer by external id) is from."""
    by_id = {c.external_id: (c.attributes or {})[name] for c in data.customers}

    def of(record: FeedbackIn) -> object:
        assert record.customer is not None
        return by_id[record.customer.external_id]

    return of


def at(record: FeedbackIn) -> datetime:
    assert record.received_at is not None
    return record.received_at


def test_same_seed_gives_identical_records(small: DemoData) -> None:
    again = generate(seed=11, end=END, customers=300, feedback=1500)
    for mine, theirs in ((small.customers, again.customers), (small.events, again.events)):
        assert [x.model_dump_json() for x in mine] == [x.model_dump_json() for x in theirs]
    assert [x.model_dump_json() for x in small.feedback] == [x.model_dump_json() for x in again.feedback]
    other = generate(seed=12, end=END, customers=300, feedback=1500)
    assert [x.text for x in other.feedback] != [x.text for x in small.feedback]


def test_default_end_is_the_last_midnight_utc() -> None:
    before = datetime.now(UTC).date()
    data = generate(customers=40, feedback=120)
    assert data.end.date() in {before, datetime.now(UTC).date()}
    assert (data.end.hour, data.end.minute, data.end.second, data.end.tzinfo) == (0, 0, 0, UTC)


def test_volumes_meet_the_demo_promise(full: DemoData) -> None:
    assert len(full.customers) >= 5000
    assert len(full.feedback) == 30000
    assert full.start == datetime(2023, 12, 1, tzinfo=UTC)
    kinds = {record.kind for record in full.feedback}
    assert kinds == {"survey_response", "review", "support_ticket", "chat", "social_post", "call_transcript"}
    channels = {record.channel for record in full.feedback}
    assert channels == {"email", "web", "app", "phone", "chat", "social", "review_site"}
    months = {(at(r).year, at(r).month) for r in full.feedback}
    assert len(months) == 18
    types = {event.type for event in full.events}
    assert {"order_placed", "order_delivered", "ticket_opened", "ticket_closed", "plan_changed"} <= types
    assert {"app_session", "plan_price_changed", "account_created", "account_closed"} <= types
    assert len(full.events) > 50000


def test_every_record_passes_validation(small: DemoData) -> None:
    for record in small.feedback:
        assert FeedbackIn.model_validate(record.model_dump()) == record
        assert record.lifecycle_stage and record.touchpoint and record.source and record.external_id
    for event in small.events:
        assert EventIn.model_validate(event.model_dump()) == event
        assert event.lifecycle_stage and event.touchpoint and event.source and event.external_id
    keys = [(r.source, r.external_id) for r in small.feedback]
    keys += [(e.source, e.external_id) for e in small.events]
    assert len(keys) == len(set(keys))


def test_timestamps_lie_in_the_18_months_before_end(small: DemoData) -> None:
    moments = [at(r) for r in small.feedback] + [e.occurred_at for e in small.events if e.occurred_at]
    assert len(moments) == len(small.feedback) + len(small.events)
    assert all(small.start <= moment < END for moment in moments)
    assert all(moment.microsecond == 0 for moment in moments)


def test_records_meet_their_customer_by_any_identity(small: DemoData) -> None:
    """Tweets come by handle and calls by phone, yet each names a known customer."""
    known = {pair for customer in small.customers for pair in customer.identities()}
    refs = [r.customer for r in small.feedback] + [e.customer for e in small.events]
    assert all(ref is not None and ref.identities()[0] in known for ref in refs)
    assert {ref.identities()[0][0] for ref in refs if ref} == {"external_id", "handle", "phone"}
    assert all(c.email and c.attributes and set(c.attributes) >= {"segment", "plan", "region", "value"}
               for c in small.customers)  # fmt: skip


def test_each_score_is_on_the_records_where_it_belongs(full: DemoData) -> None:
    for record in full.feedback:
        assert record.rating is None or record.kind == "review"
        assert record.nps is None or record.touchpoint in {"relationship survey", "delivery", "cancellation"}
        assert record.ces is None or (record.touchpoint == "support" and record.csat is not None)
        assert record.csat is None or record.kind in {"survey_response", "chat", "call_transcript"}
    assert all(
        any(getattr(r, score) is not None for r in full.feedback)
        for score in ("nps", "csat", "ces", "rating")
    )


def test_north_region_late_deliveries_lower_nps_after_the_change(full: DemoData) -> None:
    change = month_start(END, EFFECTS["late_deliveries_north"].from_month)
    deliveries = {e.attributes["order_id"]: e for e in full.events if e.type == "order_delivered"}

    def late_share(north: bool, after: bool) -> float:
        chosen = [e for e in deliveries.values() if (e.attributes["region"] == "north") == north
                  and e.occurred_at is not None and (e.occurred_at >= change) == after]  # fmt: skip
        return sum(bool(e.attributes["late"]) for e in chosen) / len(chosen)

    assert late_share(north=True, after=True) > 0.25 > 0.1 > late_share(north=True, after=False)
    assert late_share(north=False, after=True) < 0.1
    surveys, region = [r for r in full.feedback if r.touchpoint == "delivery"], attribute(full, "region")

    def drop(north: bool) -> Difference:
        mine = [r for r in surveys if (region(r) == "north") == north]
        return Nps(r.nps for r in mine if at(r) < change) - Nps(r.nps for r in mine if at(r) >= change)

    assert (drop(north=True) - drop(north=False)).clearly_above(0)
    late = [r for r in surveys if deliveries[r.attributes["order_id"]].attributes["late"]]
    assert (Nps(r.nps for r in surveys) - Nps(r.nps for r in late)).clearly_above(40)
    comments = [r.text for r in late if r.text and r.language == "en"]
    lateness = re.compile(
        r"late|slow|wait|took|days to deliver|after the date|came and went|for delivery", re.I
    )
    assert sum(bool(lateness.search(text)) for text in comments) > 0.7 * len(comments)


def test_basic_plan_nps_drops_after_price_change(full: DemoData) -> None:
    change = month_start(END, EFFECTS["price_rise_basic"].from_month)
    answers, plan_of = [r for r in full.feedback if r.nps is not None], attribute(full, "plan")

    def drop(plan: str) -> Difference:
        mine = [r for r in answers if plan_of(r) == plan]
        return Nps(r.nps for r in mine if at(r) < change) - Nps(r.nps for r in mine if at(r) >= change)

    assert drop("basic").clearly_above(15)
    assert (drop("basic") - drop("plus")).clearly_above(10)
    assert (drop("basic") - drop("premium")).clearly_above(10)
    unhappy = [r.text for r in answers if r.text and r.language == "en" and (r.nps or 0) <= 6
               and at(r) >= change and plan_of(r) == "basic"]  # fmt: skip
    mentions = sum(bool(re.search(r"\$7\.99|price|fee", text, re.I)) for text in unhappy)
    assert mentions > 0.5 * len(unhappy)


def test_ces_dips_during_support_backlog(full: DemoData) -> None:
    start, stop = EFFECTS["support_backlog"].period(END)
    answers = [r for r in full.feedback if r.ces is not None]
    during = [r.ces or 0 for r in answers if start <= at(r) < stop]
    outside = [r.ces or 0 for r in answers if not start <= at(r) < stop]
    gap = Difference(
        statistics.mean(outside) - statistics.mean(during),
        math.hypot(
            statistics.stdev(outside) / math.sqrt(len(outside)),
            statistics.stdev(during) / math.sqrt(len(during)),
        ),
    )
    assert len(during) > 400 and gap.clearly_above(0.6)
    again = re.compile(r"\b(twice|three times|four times|five times|on hold|chase|unanswered|queue)\b", re.I)

    def repeat_share(inside: bool) -> float:
        texts = [
            r.text for r in answers if r.text and r.language == "en" and (start <= at(r) < stop) == inside
        ]
        return sum(bool(again.search(text)) for text in texts) / len(texts)

    assert repeat_share(inside=True) > 2 * repeat_share(inside=False)


ITEMS = [item.key for item in RATING_ITEMS]


def test_relationship_surveys_carry_the_rating_matrix(full: DemoData) -> None:
    surveys = [r for r in full.feedback if r.touchpoint == "relationship survey"]
    assert len(surveys) > 5000 and all(r.nps is not None for r in surveys)
    assert ITEMS == ["item_delivery", "item_price", "item_product_quality", "item_support", "item_app",
                     "item_returns"]  # fmt: skip
    for key in ITEMS:
        ratings = [(r.attributes or {}).get(key) for r in surveys]
        assert all(type(rating) is int and 1 <= rating <= 5 for rating in ratings if rating is not None)
        assert 0.03 < ratings.count(None) / len(ratings) < 0.07, key
        assert {2, 3, 4, 5} <= set(ratings), key
    others = [r for r in full.feedback if r.touchpoint != "relationship survey"]
    assert not any(key in (r.attributes or {}) for r in others for key in ITEMS)


def test_the_rating_matrix_is_deterministic(small: DemoData) -> None:
    again = generate(seed=11, end=END, customers=300, feedback=1500)
    matrix = [{k: v for k, v in (r.attributes or {}).items() if k in ITEMS} for r in small.feedback]
    assert matrix == [{k: v for k, v in (r.attributes or {}).items() if k in ITEMS} for r in again.feedback]
    assert sum(bool(row) for row in matrix) > 200


def test_ratings_follow_what_happened(full: DemoData) -> None:
    """Late deliveries in north lower item_delivery, the fee rise item_price of basic members, the backlog
    item_support; the items go together (one mood colours them all) and with the NPS answer."""
    surveys = [r for r in full.feedback if r.touchpoint == "relationship survey"]
    region, plan = attribute(full, "region"), attribute(full, "plan")

    def mean(key: str, rows: Iterable[FeedbackIn]) -> float:
        return statistics.mean(v for r in rows if isinstance(v := (r.attributes or {}).get(key), int))

    late_from = month_start(END, EFFECTS["late_deliveries_north"].from_month)
    north = [r for r in surveys if region(r) == "north"]
    delivery_drop = mean("item_delivery", (r for r in north if at(r) < late_from)) - mean(
        "item_delivery", (r for r in north if at(r) >= late_from)
    )
    elsewhere = [r for r in surveys if region(r) != "north"]
    elsewhere_drop = mean("item_delivery", (r for r in elsewhere if at(r) < late_from)) - mean(
        "item_delivery", (r for r in elsewhere if at(r) >= late_from)
    )
    assert delivery_drop > 0.15 > abs(elsewhere_drop) + 0.05
    price_from = month_start(END, EFFECTS["price_rise_basic"].from_month)
    basic = [r for r in surveys if plan(r) == "basic"]
    before, after = [r for r in basic if at(r) < price_from], [r for r in basic if at(r) >= price_from]
    assert mean("item_price", before) - mean("item_price", after) > 0.4
    start, stop = EFFECTS["support_backlog"].period(END)
    during = [r for r in surveys if start <= at(r) < stop]
    assert mean("item_support", (r for r in surveys if at(r) < start)) - mean("item_support", during) > 0.05
    complete = [r for r in surveys if all(key in (r.attributes or {}) for key in ITEMS)]
    columns = {key: [float(str((r.attributes or {})[key])) for r in complete] for key in ITEMS}
    nps = [float(r.nps or 0) for r in complete]
    assert all(statistics.correlation(columns[key], nps) > 0.1 for key in ITEMS)
    assert all(
        statistics.correlation(columns[a], columns[b]) > 0.1 for a, b in itertools.combinations(ITEMS, 2)
    )


def test_texts_are_varied(full: DemoData) -> None:
    texts = [r.text for r in full.feedback if r.text]
    assert len(set(texts)) >= 0.8 * len(texts)
    assert 0.1 * len(full.feedback) < len(full.feedback) - len(texts) < 0.5 * len(full.feedback)
    languages = {r.language for r in full.feedback if r.text}
    assert {"en", "es", "de"} <= languages
    assert any(re.search(r", but |, though |That said", t) for t in texts)


NEGATIVE = re.compile(
    r"disappoint|late\b|never|rude|broke|expensive|pricey|steep|joke|not happy|slow|missing|damaged|crash|wrong"
    r"|useless|dented|scratch|flimsy|stain|wait|on hold|chase|fail|poor|terrible|mess|fed up|cancel|nobody|maze"
    r"|couldn't|can't|hasn't|wouldn't|won't|avoid|no better|too much|nothing|forever",
    re.I,
)
POSITIVE = re.compile(
    r"happy|pleased|lovely|brilliant|great|love|easy|solid|beautiful|bargain|fair|fast|quick|on time|early"
    r"|friendly|careful|recommend|thank|perfect|patient|good value|painless",
    re.I,
)


def test_text_sentiment_follows_the_score(full: DemoData) -> None:
    def share(words: re.Pattern[str], low: int, high: int) -> float:
        texts = [
            r.text for r in full.feedback if r.text and r.language == "en" and low <= (r.nps or -1) <= high
        ]
        return sum(bool(words.search(t)) for t in texts) / len(texts)

    assert share(NEGATIVE, 0, 6) > 0.6 > 0.3 > share(NEGATIVE, 9, 10)
    assert share(POSITIVE, 9, 10) > 0.6 > 0.3 > share(POSITIVE, 0, 6)


def test_every_language_can_say_everything() -> None:
    rng, facts = random.Random(1), Facts(first_name="Ana", contacts=3)
    for language, grammar in verbatims.GRAMMARS.items():
        sections = [a + s for a in verbatims.ASPECTS for s in "+-"] + ["overdue-", "price_rise-"]
        assert all(grammar.get(section) for section in sections), language
        words = verbatims.slots(rng, language, facts)
        assert all(fragment.format_map(words) for fragments in grammar.values() for fragment in fragments)
        for style, tone in itertools.product(verbatims.STYLES, "+~-"):
            mentions = [Mention("delivery", False), Mention("courier", True)]
            assert verbatims.write(rng, language, style, tone, mentions, facts)
            assert verbatims.title(rng, language, tone, mentions[0], facts, subject=style == "ticket")


def test_planted_effects_are_documented() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "demo.md").read_text()
    for effect in PLANTED_EFFECTS:
        assert f"`{effect.key}`" in docs
        assert all(name in docs for name in effect.parameters)


def test_load_stores_everything_once_and_reports_progress(engine: Engine) -> None:
    data = generate(seed=5, end=END, customers=120, feedback=600)
    calls: list[tuple[int, int]] = []
    with new_session(engine) as session:
        workspace = workspace_service.create(session, "demo")
        session.commit()
        counts = load(
            session, workspace.id, data, progress=lambda done, total: calls.append((done, total)), chunk=250
        )
        assert counts == {"customers": 120, "events": len(data.events), "feedback": 600}
        assert calls[-1] == (len(data.customers) + len(data.events) + 600,) * 2
        assert load(session, workspace.id, data) == counts
        stored = session.scalar(
            select(func.count()).select_from(Feedback).where(Feedback.workspace_id == workspace.id)
        )
        people = session.scalar(
            select(func.count()).select_from(Customer).where(Customer.workspace_id == workspace.id)
        )
    assert (stored, people) == (600, 120)


def test_customers_make_the_planted_requests_and_each_reads_as_a_suggestion(full: DemoData) -> None:
    texts = [record.text for record in full.feedback if record.text and record.language == "en"]
    made = {
        request: sum(1 for text in texts if any(variant in text for variant in variants))
        for request, variants in REQUESTS.items()
    }
    assert set(made) == set(REQUEST_WEIGHTS)
    assert 0.04 < sum(made.values()) / len(texts) < 0.06  # of comments, reviews and social posts: 6 %
    assert max(made, key=made.__getitem__) == "time_slots" and min(made.values()) >= 50, made
    for variants in REQUESTS.values():
        for variant in variants:
            assert [h.kind for h in detect([variant])] == ["suggestion"], variant
