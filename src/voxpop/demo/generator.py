"""Deterministic demo data for voxpop: Northwind Home, an online home-goods retailer.

`generate` simulates the company's 18 months before `end` (`voxpop.demo.simulation`) and turns what
happened to each customer into the feedback they gave: surveys after deliveries, support and sign-up,
relationship and exit surveys, reviews, tickets, chats, calls and social posts, with scores and texts that
follow their experience. Three effects are planted for analytics to find (`PLANTED_EFFECTS`, described in
docs/demo.md); relationship survey answers also rate six service items (`RATING_ITEMS`, the key drivers of
their NPS, from `voxpop.demo.ratings`). Every choice comes from `random.Random(seed)`, so the same seed and
`end` give the same records, byte for byte.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from voxpop.customer.schemas import CustomerIn
from voxpop.demo import ratings, verbatims
from voxpop.demo.ratings import RATING_ITEMS
from voxpop.demo.simulation import (
    LATE_DELIVERIES,
    PLANTED_EFFECTS,
    PRICE_RISE,
    PROMISED_DAYS,
    SUPPORT_BACKLOG,
    Customer,
    Order,
    PlantedEffect,
    Ticket,
    World,
    customer_in,
    month_start,
    pick,
    ref,
)
from voxpop.demo.verbatims import Facts, Mention
from voxpop.feedback.schemas import FeedbackIn
from voxpop.journey.schemas import EventIn
from voxpop.kit.validation import AttributeValue

__all__ = [
    "COMPANY",
    "MIX",
    "PLANTED_EFFECTS",
    "RATING_ITEMS",
    "DemoData",
    "PlantedEffect",
    "generate",
    "month_start",
]

COMPANY = "Northwind Home"
ORDERS_PER_FEEDBACK, TICKETS_PER_FEEDBACK, SESSIONS_PER_FEEDBACK = 0.55, 0.37, 0.3
NPS_MEAN, NPS_NOISE = 8.5, 1.6
CSAT_MEAN, CES_MEAN, STARS_MEAN = 4.2, 5.4, 4.4
"""The average answer on each scale; a customer's mood and experience move all of them together."""
TOPIC_ASPECTS = {
    "where_is_my_order": "delivery",
    "damaged_item": "courier",
    "faulty_product": "quality",
    "return": "returns",
    "billing": "price",
    "app_problem": "app",
    "account": "website",
}


@dataclass
class DemoData:
    customers: list[CustomerIn]
    events: list[EventIn]
    feedback: list[FeedbackIn]
    start: datetime
    end: datetime


@dataclass(frozen=True)
class _Kind:
    """How an occasion becomes a feedback record. `relational` records speak of the whole relationship, so
    the fee rise and recent late deliveries colour them too."""

    kind: str
    stage: str
    touchpoint: str
    score: str
    relational: bool = False


_KINDS = {
    "relationship_survey": _Kind("survey_response", "loyalty", "relationship survey", "nps", True),
    "delivery_survey": _Kind("survey_response", "purchase", "delivery", "nps", True),
    "support_survey": _Kind("survey_response", "support", "support", "support"),
    "checkout_survey": _Kind("survey_response", "purchase", "checkout", "csat"),
    "onboarding_survey": _Kind("survey_response", "onboarding", "onboarding", "csat"),
    "exit_survey": _Kind("survey_response", "churn", "cancellation", "nps", True),
    "product_review": _Kind("review", "onboarding", "product page", "stars"),
    "site_review": _Kind("review", "loyalty", "review site", "stars", True),
    "app_review": _Kind("review", "onboarding", "app store", "stars"),
    "ticket": _Kind("support_ticket", "support", "support", "none"),
    "chat": _Kind("chat", "support", "support", "csat_sometimes"),
    "call": _Kind("call_transcript", "support", "support", "csat_sometimes"),
    "social_post": _Kind("social_post", "loyalty", "social media", "none", True),
}


def _weights(spec: str) -> dict[str, float]:
    words = spec.split()
    return {name: float(weight) for name, weight in zip(words[::2], words[1::2], strict=True)}


_TOPICS = {
    kind: _weights(spec)
    for kind, spec in {
        "relationship_survey": "quality 3 price 2 delivery 2 courier 1 app 1 support 1 returns 0.5 website 1",
        "delivery_survey": "delivery 3 courier 3 quality 2 website 0.5",
        "support_survey": "support 1",
        "checkout_survey": "website 3 price 1 app 1",
        "onboarding_survey": "app 2 website 2 price 1",
        "exit_survey": "price 2 delivery 2 quality 2 support 1",
        "product_review": "quality 4 delivery 1 courier 1 price 1",
        "site_review": "delivery 2 support 2 quality 2 price 1 returns 1 courier 1",
        "app_review": "app 4 delivery 0.5",
        "social_post": "delivery 2 quality 2 price 1 support 1 app 0.5",
    }.items()
}
"""What people write about on each occasion (aspect, weight), beside what happened to them."""
_SYSTEMS = {
    "survey_response": ("surveys", "comment", "SV"),
    "review": ("reviews", "review", "RV"),
    "support_ticket": ("helpdesk", "ticket", "T"),
    "chat": ("chat", "chat", "CH"),
    "call_transcript": ("calls", "call", "CL"),
    "social_post": ("social", "social", "SP"),
}
"""Per feedback kind: the source system (`demo:<system>`), the text style and the external id prefix."""
MIX = {
    "relationship_survey": 0.20,
    "delivery_survey": 0.22,
    "support_survey": 0.12,
    "checkout_survey": 0.025,
    "onboarding_survey": 0.015,
    "exit_survey": 0.01,
    "product_review": 0.08,
    "site_review": 0.04,
    "app_review": 0.02,
    "ticket": 0.10,
    "chat": 0.06,
    "call": 0.05,
    "social_post": 0.06,
}
"""Shares of the feedback by occasion; a kind short of occasions gives its share to relationship surveys."""
REQUEST_SHARE = 0.06
REQUEST_WEIGHTS = {
    "time_slots": 0.28,
    "assembly": 0.2,
    "pause_membership": 0.16,
    "paypal": 0.14,
    "old_item_removal": 0.12,
    "dark_mode": 0.1,
}
"""Planted requests: the share of English survey comments, reviews and social posts that end with one, and
how often each request is made (docs/demo.md, "Customer requests")."""
_SPREAD = {"relationship_survey": "", "site_review": "review_site", "app_review": "app"}
"""Occasions tied to no order or ticket, spread over customers' active time, with their channel."""
_TICKET_KINDS = {"email": "ticket", "web": "ticket", "chat": "chat", "phone": "call"}


@dataclass(frozen=True)
class _Occasion:
    kind: str
    at: datetime
    customer: Customer
    channel: str
    order: Order | None = None
    ticket: Ticket | None = None


@dataclass(frozen=True)
class _Scores:
    tone: str
    nps: int | None = None
    csat: int | None = None
    ces: int | None = None
    rating: float | None = None
    items: Mapping[str, int] = field(default_factory=dict)
    """The relationship survey's rating matrix (`voxpop.demo.ratings`)."""


@dataclass(frozen=True)
class _Feeling:
    """How a customer feels (NPS points from the average): mood + the planted shifts by aspect + noise."""

    value: float
    shifts: Mapping[str, float]
    noise: float


def generate(
    seed: int = 7, end: datetime | None = None, customers: int = 5000, feedback: int = 30000
) -> DemoData:
    """Customers, journey events and `feedback` records of Northwind Home for the 18 months before `end`.

    `end` defaults to today at midnight UTC; every timestamp is before it.
    """
    world = World(seed, _end_of(end))
    people = world.customers(customers)
    orders = world.orders(people, round(feedback * ORDERS_PER_FEEDBACK))
    tickets = world.tickets(people, orders, round(feedback * TICKETS_PER_FEEDBACK))
    events = world.events(people, orders, tickets, round(feedback * SESSIONS_PER_FEEDBACK))
    voices = _Voices(world)
    records = voices.feedback(voices.occasions(people, orders, tickets, feedback))
    return DemoData([customer_in(person) for person in people], events, records, world.start, world.end)


def _end_of(end: datetime | None) -> datetime:
    if end is None:
        return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    end = end.replace(tzinfo=UTC) if end.tzinfo is None else end.astimezone(UTC)
    return end.replace(microsecond=0)


def _split(total: int, shares: Mapping[str, float]) -> dict[str, int]:
    """`total` divided in `shares`, rounded so that the parts add up to `total` (largest remainders)."""
    exact = {key: total * share for key, share in shares.items()}
    counts = {key: math.floor(value) for key, value in exact.items()}
    for key in sorted(exact, key=lambda key: counts[key] - exact[key])[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def _grade(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _tone(score: float, good: float, fair: float) -> str:
    return "+" if score >= good else "~" if score >= fair else "-"


class _Voices:
    """Who gives feedback when, the scores they give and what they write, from the simulated history."""

    def __init__(self, world: World) -> None:
        self.world, self.rng, self.words = world, world.rng, world.words

    # --- occasions ------------------------------------------------------------------------------------

    def occasions(
        self, people: Sequence[Customer], orders: Sequence[Order], tickets: Sequence[Ticket], total: int
    ) -> list[_Occasion]:
        """Exactly `total` occasions to give feedback, in the shares of MIX, in time order."""
        targets = _split(total, MIX)
        chosen: list[_Occasion] = []
        for kind, pool in self._pools(people, orders, tickets).items():
            taken = min(targets[kind], len(pool))
            chosen += self.rng.sample(pool, taken)
            targets["relationship_survey"] += targets[kind] - taken
        for kind in _SPREAD:
            chosen += self._spread(kind, targets[kind], people)
        return sorted(chosen, key=lambda occasion: (occasion.at, occasion.customer.index, occasion.kind))

    def _pools(
        self, people: Sequence[Customer], orders: Sequence[Order], tickets: Sequence[Ticket]
    ) -> dict[str, list[_Occasion]]:
        """Every moment someone could give feedback about an order, a ticket, joining or leaving."""
        world, pools = self.world, {kind: list[_Occasion]() for kind in MIX if kind not in _SPREAD}

        def add(
            kind: str, at: datetime, person: Customer, channel: str, about: Order | Ticket | None = None
        ) -> None:
            if world.start <= at < world.end:
                order, ticket = (about, None) if isinstance(about, Order) else (None, about)
                pools[kind].append(_Occasion(kind, at, person, channel, order, ticket))

        for order in orders:
            person = order.customer
            add("checkout_survey", world.after(order.placed, 0.05, 2), person, order.channel, order)
            if order.late and person.handle:  # while still waiting
                add("social_post", world.after(order.due, 6, 24), person, "social", order)
            if order.delivered:
                add(
                    "delivery_survey",
                    world.after(order.delivered, 2, 72),
                    person,
                    self._channel(person),
                    order,
                )
                add("product_review", world.after(order.delivered, 72, 720), person, "web", order)
            if order.delivered and not order.late and person.handle:
                add("social_post", world.after(order.delivered, 1, 48), person, "social", order)
        for ticket in tickets:
            add(_TICKET_KINDS[ticket.channel], ticket.opened, ticket.customer, ticket.channel, ticket)
            if ticket.closed:
                add("support_survey", world.after(ticket.closed, 1, 48), ticket.customer, "email", ticket)
        for person in people:
            if person.joined >= world.start:
                add("onboarding_survey", world.after(person.joined, 72, 336), person, self._channel(person))
            if person.churned:
                add("exit_survey", world.after(person.left, 1, 72), person, "email")
            for _ in range(2 if person.handle else 0):
                add("social_post", world.moment(person.active_from, person.left), person, "social")
        return pools

    def _spread(self, kind: str, count: int, people: Sequence[Customer]) -> list[_Occasion]:
        candidates = [person for person in people if person.uses_app or kind != "app_review"]
        if not candidates or count <= 0:
            return []
        weights = [(person.left - person.active_from).total_seconds() for person in candidates]
        return [
            _Occasion(kind, self.world.moment(p.active_from, p.left), p, _SPREAD[kind] or self._channel(p))
            for p in self.rng.choices(candidates, weights, k=count)
        ]

    def _channel(self, person: Customer) -> str:
        """Where a survey reaches the customer: mostly email, in the app for app users, sometimes the web."""
        roll = self.rng.random()
        return "app" if person.uses_app and roll < 0.4 else "web" if roll > 0.85 else "email"

    # --- records --------------------------------------------------------------------------------------

    def feedback(self, occasions: Sequence[_Occasion]) -> list[FeedbackIn]:
        numbers: dict[str, int] = {}
        return [self._record(occasion, numbers) for occasion in occasions]

    def _record(self, occasion: _Occasion, numbers: dict[str, int]) -> FeedbackIn:
        spec = _KINDS[occasion.kind]
        system, style, prefix = _SYSTEMS[spec.kind]
        numbers[prefix] = numbers.get(prefix, 0) + 1
        key = occasion.ticket.id if occasion.ticket and prefix == "T" else f"{prefix}-{numbers[prefix]:06d}"
        scores = self._scores(occasion, spec)
        title, text = self._texts(occasion, spec, style, scores.tone)
        return FeedbackIn(
            kind=spec.kind,
            channel=occasion.channel,
            source=f"demo:{system}",
            external_id=key,
            received_at=occasion.at,
            customer=ref(occasion.customer, occasion.channel),
            lifecycle_stage=spec.stage,
            touchpoint=spec.touchpoint,
            title=title,
            text=text,
            language=occasion.customer.language,
            nps=scores.nps,
            csat=scores.csat,
            ces=scores.ces,
            rating=scores.rating,
            attributes={**_attributes(occasion), **scores.items},
        )

    def _waited(self, occasion: _Occasion) -> bool:
        """Whether the record is about an order the customer has been waiting for past its due date."""
        order = occasion.order
        return order is not None and order.late and occasion.at >= order.due

    def _feeling(self, occasion: _Occasion, spec: _Kind) -> _Feeling:
        """How the customer feels on this occasion, in points of the 0–10 NPS answer away from the average."""
        person, params, shift, shifts = occasion.customer, LATE_DELIVERIES.parameters, 0.0, {}
        if self._waited(occasion):
            shifts["delivery"] = params["nps_shift_late_order"]
        elif spec.relational and self.world.recently_late(person, occasion.at):
            shifts["delivery"] = params["nps_shift_recent_late"]
        if spec.relational and self.world.price_hit(person, occasion.at):
            shifts["price"] = PRICE_RISE.parameters["nps_shift"]
        for value in shifts.values():
            shift += value
        noise = self.rng.gauss(0, NPS_NOISE)
        return _Feeling(person.mood + shift + noise, shifts, noise)

    def _ratings(self, occasion: _Occasion, felt: _Feeling) -> dict[str, int]:
        person = occasion.customer
        return ratings.rate(self.world, person, occasion.at, person.mood, felt.shifts, felt.noise, NPS_NOISE)

    def _scores(self, occasion: _Occasion, spec: _Kind) -> _Scores:
        """The scores a record carries, each on its own scale and only where it belongs."""
        felt = self._feeling(occasion, spec)
        feeling = felt.value
        if spec.score == "nps":
            nps = _grade(NPS_MEAN + feeling, 0, 10)
            items = self._ratings(occasion, felt) if occasion.kind == "relationship_survey" else {}
            return _Scores(_tone(nps, 9, 7), nps=nps, items=items)
        if spec.score == "stars":
            quality = occasion.order.product.quality if occasion.order else 0.0
            stars = _grade(STARS_MEAN + 0.7 * feeling + quality + self.rng.gauss(0, 0.5), 1, 5)
            return _Scores(_tone(stars, 4, 3), rating=float(stars))
        csat_shift, ces_shift = _support_shifts(occasion.ticket)
        csat = _grade(CSAT_MEAN + 0.45 * feeling + csat_shift, 1, 5)
        if spec.score == "support":
            ces = _grade(CES_MEAN + 0.5 * feeling + ces_shift + self.rng.gauss(0, 0.7), 1, 7)
            return _Scores(_tone(csat, 4, 3), csat=csat, ces=ces)
        if spec.score == "csat" or (spec.score == "csat_sometimes" and self.rng.random() < 0.5):
            return _Scores(_tone(csat, 4, 3), csat=csat)
        return _Scores(_tone(NPS_MEAN + feeling + csat_shift, 9, 7))

    # --- texts ----------------------------------------------------------------------------------------

    def _texts(
        self, occasion: _Occasion, spec: _Kind, style: str, tone: str
    ) -> tuple[str | None, str | None]:
        """Title and text; survey comments are optional, and unhappy respondents comment more often."""
        words = self.words
        if spec.kind == "survey_response" and words.random() > {"+": 0.45, "~": 0.5, "-": 0.75}[tone]:
            return None, None
        mentions, facts = self._mentions(occasion, tone), self._facts(occasion)
        language = occasion.customer.language
        text = self._with_request(
            verbatims.write(words, language, style, tone, mentions, facts), style, language
        )
        if spec.kind not in ("review", "support_ticket"):
            return None, text
        title = verbatims.title(
            words, language, tone, mentions[0], facts, subject=spec.kind == "support_ticket"
        )
        return title, None if spec.kind == "review" and words.random() < 0.07 else text

    def _with_request(self, text: str, style: str, language: str) -> str:
        """Some customers end with a request (drawn from their own random stream, so no other text changes)."""
        ideas = self.world.ideas
        if (
            language != "en"
            or style not in ("comment", "review", "social")
            or ideas.random() >= REQUEST_SHARE
        ):
            return text
        return f"{text} {ideas.choice(verbatims.REQUESTS[pick(ideas, REQUEST_WEIGHTS)])}"

    def _mentions(self, occasion: _Occasion, tone: str) -> list[Mention]:
        """What the text is about: the problem raised or what explains the score, then maybe a second thought.

        What happened (a late order, the fee rise, repeated contacts) leads when the customer is not happy,
        in the share its planted effect sets."""
        words, causes = self.words, self._causes(occasion)
        if occasion.ticket and occasion.kind != "support_survey":
            return [Mention(self._ticket_aspect(occasion, occasion.ticket), False), *causes[:1]]
        if causes and tone != "+":
            main = causes.pop(0)
        else:
            main = self._mention(occasion, tone == "+" or (tone == "~" and words.random() < 0.5))
        if causes and (tone != "+" or words.random() < 0.25):
            return [main, causes[0]]
        if words.random() < 0.4:
            flip = tone == "~" or words.random() < 0.35
            return [main, self._mention(occasion, main.positive != flip, exclude=main.aspect)]
        return [main]

    def _causes(self, occasion: _Occasion) -> list[Mention]:
        words, world, person, ticket = self.words, self.world, occasion.customer, occasion.ticket
        relational, causes = _KINDS[occasion.kind].relational, []
        if ticket and ticket.contacts > 1 and words.random() < SUPPORT_BACKLOG.parameters["mention_share"]:
            causes.append(Mention("waiting", False))
        late_chance = LATE_DELIVERIES.parameters["mention_share"] if self._waited(occasion) else 0.0
        if relational and not late_chance and world.recently_late(person, occasion.at):
            late_chance = 0.5
        if words.random() < late_chance:
            causes.append(Mention(self._lateness(occasion), False))
        price_chance = PRICE_RISE.parameters["mention_share"] if relational else 0.0
        if world.price_hit(person, occasion.at) and words.random() < price_chance:
            causes.append(Mention("price_rise", False))
        return causes

    def _mention(self, occasion: _Occasion, positive: bool, exclude: str = "") -> Mention:
        topics = {aspect: weight for aspect, weight in _TOPICS[occasion.kind].items() if aspect != exclude}
        aspect, order = pick(self.words, topics or {"quality": 1.0}), occasion.order
        if aspect == "delivery" and order and occasion.at >= order.due:  # texts tell the truth about orders
            return Mention(self._lateness(occasion), False) if order.late else Mention(aspect, True)
        return Mention(aspect, positive)

    def _ticket_aspect(self, occasion: _Occasion, ticket: Ticket) -> str:
        aspect = TOPIC_ASPECTS[ticket.topic]
        if aspect == "delivery":
            return self._lateness(occasion)
        return (
            "price_rise"
            if aspect == "price" and self.world.price_hit(ticket.customer, ticket.opened)
            else aspect
        )

    @staticmethod
    def _lateness(occasion: _Occasion) -> str:
        """`overdue` while a late order is still awaited, else `delivery` (also when no order is known)."""
        order = occasion.order or (occasion.ticket.order if occasion.ticket else None)
        awaited = order is not None and (order.delivered is None or occasion.at < order.delivered)
        return "overdue" if awaited else "delivery"

    def _facts(self, occasion: _Occasion) -> Facts:
        ticket, person = occasion.ticket, occasion.customer
        order = occasion.order or (ticket.order if ticket else None)
        return Facts(
            first_name=person.first_name,
            product=order.product if order else None,
            order_id=order.id if order else None,
            delivery_days=order.delivery_days if order and occasion.at >= order.due else None,
            promised_days=order.promised_days if order else PROMISED_DAYS[person.plan],
            contacts=ticket.contacts if ticket else None,
            agent=ticket.agent if ticket else None,
            plan=person.plan,
            fee_old=PRICE_RISE.parameters["fee_before"],
            fee_new=PRICE_RISE.parameters["fee_after"],
        )


def _support_shifts(ticket: Ticket | None) -> tuple[float, float]:
    """CSAT and CES shifts of a support experience: each repeated contact costs, and the backlog too."""
    if ticket is None:
        return 0.0, 0.0
    params, repeats = SUPPORT_BACKLOG.parameters, ticket.contacts - 1
    csat = params["csat_shift_per_repeat"] * repeats + (params["csat_shift"] if ticket.backlog else 0.0)
    ces = params["ces_shift_per_repeat"] * repeats + (params["ces_shift"] if ticket.backlog else 0.0)
    return csat, ces


def _attributes(occasion: _Occasion) -> dict[str, AttributeValue]:
    """Links to what the record is about, as a survey tool or help desk would send them."""
    attributes: dict[str, AttributeValue] = {}
    if occasion.kind.endswith("_survey"):
        attributes["survey"] = occasion.kind.removesuffix("_survey")
    if occasion.order:
        attributes.update(order_id=occasion.order.id, product=occasion.order.product.names["en"])
    if occasion.ticket:
        attributes.update(
            ticket_id=occasion.ticket.id, topic=occasion.ticket.topic, agent=occasion.ticket.agent
        )
    if occasion.channel == "social":
        attributes["platform"] = ("x", "instagram", "facebook")[occasion.customer.index % 3]
    return attributes
