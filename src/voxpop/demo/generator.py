"""Deterministic demo data: Northwind Home, an online home-goods retailer with delivery, an app and support.

`generate` simulates the 18 months before `end`: customers join, order, wait for deliveries (some late),
open tickets, change plans and leave; they answer surveys and write reviews, tickets, chats, calls and
social posts about what happened to them. Three effects are planted for analytics to find
(`PLANTED_EFFECTS`, described in docs/demo.md). Every choice comes from `random.Random(seed)`, so the same
seed and `end` give the same records, byte for byte.
"""

from __future__ import annotations

import calendar
import math
import random
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from voxpop.customer.schemas import CustomerIn, CustomerRef
from voxpop.demo import verbatims
from voxpop.demo.verbatims import Facts, Mention, Product
from voxpop.feedback.schemas import FeedbackIn
from voxpop.journey.schemas import EventIn

COMPANY = "Northwind Home"
MONTHS = 18


@dataclass(frozen=True)
class PlantedEffect:
    """A pattern planted in the data, active from the start of `from_month` to the start of `to_month`.

    Months count from the start of the window (0 = the first of the 18; 18 = `end`); `segment` names the
    customer attributes it applies to; `parameters` are the generator's settings for it (score shifts are
    on the metric's own scale, shares are probabilities).
    """

    key: str
    summary: str
    segment: Mapping[str, str]
    metric: str
    from_month: int
    to_month: int
    parameters: Mapping[str, float]

    def period(self, end: datetime) -> tuple[datetime, datetime]:
        return month_start(end, self.from_month), month_start(end, self.to_month)


LATE_DELIVERIES = PlantedEffect(
    key="late_deliveries_north",
    summary="Late deliveries in region north drive detractors",
    segment={"region": "north"},
    metric="nps",
    from_month=11,
    to_month=MONTHS,
    parameters={
        "late_share_before": 0.07,
        "late_share_after": 0.38,
        "nps_shift_late_order": -3.0,
        "nps_shift_recent_late": -1.5,
        "recent_days": 60,
        "mention_share": 0.85,
    },
)
PRICE_RISE = PlantedEffect(
    key="price_rise_basic",
    summary="The basic plan's fee rises and its members turn detractor",
    segment={"plan": "basic"},
    metric="nps",
    from_month=12,
    to_month=MONTHS,
    parameters={"fee_before": 4.99, "fee_after": 7.99, "nps_shift": -2.0, "mention_share": 0.7, "churn_factor": 3.0},
)
SUPPORT_BACKLOG = PlantedEffect(
    key="support_backlog",
    summary="A support backlog makes customers contact support again and again",
    segment={},
    metric="ces",
    from_month=9,
    to_month=12,
    parameters={
        "repeat_chance_before": 0.25,
        "repeat_chance_during": 0.62,
        "ces_shift": -0.6,
        "ces_shift_per_repeat": -0.55,
        "csat_shift": -0.3,
        "csat_shift_per_repeat": -0.3,
        "resolution_factor": 3.5,
        "mention_share": 0.8,
    },
)
PLANTED_EFFECTS = [LATE_DELIVERIES, PRICE_RISE, SUPPORT_BACKLOG]

REGIONS = {"north": 0.27, "south": 0.24, "east": 0.25, "west": 0.24}
PLANS = {"basic": 0.5, "plus": 0.32, "premium": 0.18}
LANGUAGES = {"en": 0.92, "es": 0.05, "de": 0.03}
PLAN_MOOD = {"basic": -0.2, "plus": 0.1, "premium": 0.4}
PROMISED_DAYS = {"basic": 5, "plus": 3, "premium": 2}
AREA_CODES = {"north": (612, 218), "south": (512, 713), "east": (212, 617), "west": (415, 206)}
TICKET_CHANNELS = {"email": 0.33, "web": 0.17, "chat": 0.28, "phone": 0.22}
TOPIC_ASPECTS = {
    "where_is_my_order": "delivery",
    "damaged_item": "courier",
    "faulty_product": "quality",
    "return": "returns",
    "billing": "price",
    "app_problem": "app",
    "account": "website",
}
NAMES = {
    "en": (
        "Olivia Liam Emma Noah Ava James Sophia Lucas Mia Ethan Amelia Mason Harper Logan Ella Jack Grace Ryan "
        "Chloe Daniel Zoe Aaron Nora Isaac Leah Samuel Ruby Owen Maya Caleb",
        "Smith Johnson Brown Taylor Miller Davis Wilson Anderson Thomas Moore Martin Jackson Thompson White "
        "Harris Clark Lewis Walker Hall Young King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell",
    ),
    "es": (
        "Lucía Mateo Sofía Hugo Valentina Diego Carmen Javier Elena Pablo Marta Alejandro",
        "García Martínez López Sánchez Pérez Gómez Fernández Díaz Ruiz Moreno Romero Navarro",
    ),
    "de": (
        "Anna Lukas Lena Jonas Marie Felix Laura Paul Sophie Leon Julia Maximilian",
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter",
    ),
}

# Model constants: the average answer on each scale, and how strongly a customer's mood moves it.
NPS_MEAN, NPS_NOISE, MOOD_SPREAD = 8.2, 1.6, 0.9
CSAT_MEAN, CES_MEAN, STARS_MEAN = 4.1, 5.4, 4.2
MONTHLY_CHURN = 0.008
ORDERS_PER_FEEDBACK, TICKETS_PER_FEEDBACK, SESSIONS_PER_FEEDBACK = 0.55, 0.37, 0.3


def month_start(end: datetime, month: int) -> datetime:
    """The start of month `month` of the window: `end` moved back 18 − `month` calendar months."""
    year, index = divmod(end.year * 12 + end.month - 1 - (MONTHS - month), 12)
    return end.replace(year=year, month=index + 1, day=min(end.day, calendar.monthrange(year, index + 1)[1]))


@dataclass
class DemoData:
    customers: list[CustomerIn]
    events: list[EventIn]
    feedback: list[FeedbackIn]
    start: datetime
    end: datetime


@dataclass(eq=False)
class _Customer:
    index: int
    first_name: str
    last_name: str
    language: str
    segment: str
    plan: str
    region: str
    mood: float
    activity: float
    uses_app: bool
    joined: datetime
    active_from: datetime
    left: datetime
    churned: bool = False
    phone: str | None = None
    handle: str | None = None
    previous_plan: str | None = None
    plan_changed_at: datetime | None = None
    orders: list[_Order] = field(default_factory=list)
    refs: dict[str, CustomerRef] = field(default_factory=dict)

    @property
    def external_id(self) -> str:
        return f"C{self.index + 1:06d}"

    @property
    def email(self) -> str:
        ascii_name = unicodedata.normalize("NFKD", f"{self.first_name}.{self.last_name}").encode("ascii", "ignore")
        domain = ("example.com", "example.org", "example.net")[self.index % 3]
        return f"{ascii_name.decode().lower()}{self.index + 1}@{domain}"


@dataclass(eq=False)
class _Order:
    id: str
    customer: _Customer
    placed: datetime
    channel: str
    product: Product
    amount: float
    promised_days: int
    delivery_days: int
    delivered: datetime | None

    @property
    def due(self) -> datetime:
        return self.placed + timedelta(days=self.promised_days)

    @property
    def late(self) -> bool:
        return self.delivery_days > self.promised_days


@dataclass(eq=False)
class _Ticket:
    id: str
    customer: _Customer
    opened: datetime
    closed: datetime | None
    channel: str
    topic: str
    contacts: int
    agent: str
    backlog: bool
    order: _Order | None


@dataclass(frozen=True)
class _Kind:
    """How one kind of occasion becomes a feedback record."""

    kind: str
    stage: str
    touchpoint: str
    system: str
    style: str
    aspects: Mapping[str, float]
    score: str


_KINDS = {
    "relationship_survey": _Kind(
        "survey_response", "loyalty", "relationship survey", "surveys", "comment",
        {"quality": 3, "price": 2, "delivery": 2, "courier": 1, "app": 1, "support": 1, "returns": 0.5, "website": 1},
        "nps",
    ),
    "delivery_survey": _Kind(
        "survey_response", "purchase", "delivery", "surveys", "comment",
        {"delivery": 3, "courier": 3, "quality": 2, "website": 0.5}, "nps",
    ),
    "support_survey": _Kind("survey_response", "support", "support", "surveys", "comment", {"support": 1}, "support"),
    "checkout_survey": _Kind(
        "survey_response", "purchase", "checkout", "surveys", "comment", {"website": 3, "price": 1, "app": 1}, "csat"
    ),
    "onboarding_survey": _Kind(
        "survey_response", "onboarding", "onboarding", "surveys", "comment", {"app": 2, "website": 2, "price": 1}, "csat"
    ),
    "exit_survey": _Kind(
        "survey_response", "churn", "cancellation", "surveys", "comment",
        {"price": 2, "delivery": 2, "quality": 2, "support": 1}, "nps",
    ),
    "product_review": _Kind(
        "review", "onboarding", "product page", "reviews", "review",
        {"quality": 4, "delivery": 1, "courier": 1, "price": 1}, "stars",
    ),
    "site_review": _Kind(
        "review", "loyalty", "review site", "reviews", "review",
        {"delivery": 2, "support": 2, "quality": 2, "price": 1, "returns": 1, "courier": 1}, "stars",
    ),
    "app_review": _Kind("review", "onboarding", "app store", "reviews", "review", {"app": 4, "delivery": 0.5}, "stars"),
    "ticket": _Kind("support_ticket", "support", "support", "helpdesk", "ticket", {}, "none"),
    "chat": _Kind("chat", "support", "support", "chat", "chat", {}, "csat_sometimes"),
    "call": _Kind("call_transcript", "support", "support", "calls", "call", {}, "csat_sometimes"),
    "social_post": _Kind(
        "social_post", "loyalty", "social media", "social", "social",
        {"delivery": 2, "quality": 2, "price": 1, "support": 1, "app": 0.5}, "none",
    ),
}
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
"""Shares of the feedback records by occasion; a kind short of occasions gives its share to relationship surveys."""
_SPREAD = ("relationship_survey", "site_review", "app_review")
"""Occasions that are not tied to an order or a ticket: spread over each customer's active time."""


@dataclass(frozen=True)
class _Occasion:
    kind: str
    at: datetime
    customer: _Customer
    channel: str
    order: _Order | None = None
    ticket: _Ticket | None = None


@dataclass(frozen=True)
class _Scores:
    tone: str
    nps: int | None = None
    csat: int | None = None
    ces: int | None = None
    rating: float | None = None


def generate(seed: int = 7, end: datetime | None = None, customers: int = 5000, feedback: int = 30000) -> DemoData:
    """Customers, journey events and feedback of Northwind Home for the 18 months before `end`.

    `end` defaults to today at midnight UTC; every timestamp is before it.
    """
    world = _World(seed, _end_of(end))
    people = world.customers(customers)
    orders = world.orders(people, round(feedback * ORDERS_PER_FEEDBACK))
    tickets = world.tickets(people, orders, round(feedback * TICKETS_PER_FEEDBACK))
    occasions = world.occasions(people, orders, tickets, feedback)
    return DemoData(
        customers=[_customer_in(person) for person in people],
        events=world.events(people, orders, tickets, round(feedback * SESSIONS_PER_FEEDBACK)),
        feedback=world.feedback(occasions),
        start=world.start,
        end=world.end,
    )


def _end_of(end: datetime | None) -> datetime:
    if end is None:
        return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    end = end.replace(tzinfo=UTC) if end.tzinfo is None else end.astimezone(UTC)
    return end.replace(microsecond=0)


def _pick(rng: random.Random, shares: Mapping[str, float]) -> str:
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def _grade(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _customer_in(person: _Customer) -> CustomerIn:
    attributes: dict[str, str | int | float | bool | None] = {
        "segment": person.segment,
        "plan": person.plan,
        "region": person.region,
        "value": round(sum(order.amount for order in person.orders), 2),
        "since": person.joined.date().isoformat(),
    }
    return CustomerIn(
        external_id=person.external_id,
        email=person.email,
        phone=person.phone,
        handle=person.handle,
        name=f"{person.first_name} {person.last_name}",
        language=person.language,
        attributes=attributes,
    )


class _World:
    """The simulation: one random stream for what happens, one for the words used to tell of it."""

    def __init__(self, seed: int, end: datetime) -> None:
        master = random.Random(seed)
        self.rng = random.Random(master.getrandbits(64))
        self.words = random.Random(master.getrandbits(64))
        self.end = end
        self.start = month_start(end, 0)
        self.late_from = LATE_DELIVERIES.period(end)[0]
        self.price_from = PRICE_RISE.period(end)[0]
        self.backlog = SUPPORT_BACKLOG.period(end)

    def moment(self, low: datetime, high: datetime) -> datetime:
        """A whole second, uniformly in [low, high)."""
        return low + timedelta(seconds=math.floor((high - low).total_seconds() * self.rng.random()))

    def after(self, at: datetime, low_hours: float, high_hours: float) -> datetime:
        return self.moment(at + timedelta(hours=low_hours), at + timedelta(hours=high_hours))

    # --- customers --------------------------------------------------------------------------------------

    def customers(self, count: int) -> list[_Customer]:
        return [self._customer(index) for index in range(count)]

    def _customer(self, index: int) -> _Customer:
        rng = self.rng
        language, plan, region = _pick(rng, LANGUAGES), _pick(rng, PLANS), _pick(rng, REGIONS)
        segment = "business" if rng.random() < 0.15 else "consumer"
        firsts, lasts = NAMES[language]
        if rng.random() < 0.55:
            joined = self.moment(self.start - timedelta(days=1500), self.start - timedelta(days=30))
        else:
            joined = self.start + (self.end - timedelta(days=10) - self.start) * math.sqrt(rng.random())
            joined = joined.replace(microsecond=0)
        person = _Customer(
            index=index,
            first_name=rng.choice(firsts.split()),
            last_name=rng.choice(lasts.split()),
            language=language,
            segment=segment,
            plan=plan,
            region=region,
            mood=rng.gauss(PLAN_MOOD[plan] - (0.2 if segment == "business" else 0.0), MOOD_SPREAD),
            activity=rng.lognormvariate(0, 0.6) * (1.6 if segment == "business" else 1.0),
            uses_app=rng.random() < 0.45,
            joined=joined,
            active_from=max(joined, self.start),
            left=self.end,
        )
        self._identities(person)
        self._leaving(person)
        self._plan_change(person)
        return person

    def _identities(self, person: _Customer) -> None:
        rng, number = self.rng, person.index + 1
        if rng.random() < 0.45:
            area = rng.choice(AREA_CODES[person.region])
            person.phone = f"+1 {area} 55{number // 10000 % 10} {number % 10000:04d}"
        if rng.random() < 0.25:
            first = unicodedata.normalize("NFKD", person.first_name).encode("ascii", "ignore").decode().lower()
            person.handle = f"@{first}{rng.choice(('_', '', '.'))}{person.last_name[0].lower()}{number}"

    def _leaving(self, person: _Customer) -> None:
        """Customers leave at a monthly rate that grows as their mood sinks, and with the basic fee rise."""
        for month in range(MONTHS):
            low = max(month_start(self.end, month), person.active_from + timedelta(days=14))
            high = month_start(self.end, month + 1)
            rate = MONTHLY_CHURN * math.exp(-0.6 * person.mood)
            if person.plan == "basic" and month >= PRICE_RISE.from_month:
                rate *= PRICE_RISE.parameters["churn_factor"]
            if low < high and self.rng.random() < rate:
                person.left, person.churned = self.moment(low, high), True
                return

    def _plan_change(self, person: _Customer) -> None:
        """Some customers came from another plan; changes happen before the fee rise, so `plan` then holds."""
        low, high = person.active_from + timedelta(days=20), min(person.left, self.price_from)
        if low < high and self.rng.random() < 0.12:
            person.previous_plan = self.rng.choice([plan for plan in PLANS if plan != person.plan])
            person.plan_changed_at = self.moment(low, high)

    # --- orders and tickets -----------------------------------------------------------------------------

    def orders(self, people: Sequence[_Customer], target: int) -> list[_Order]:
        """Orders arrive as a Poisson process per customer, scaled so that about `target` are placed."""
        exposure = sum(p.activity * (p.left - p.active_from).total_seconds() / 86400 for p in people)
        rate = target / max(exposure, 1.0)
        orders: list[_Order] = []
        for person in people:
            at = person.active_from
            while (at := at + timedelta(days=self.rng.expovariate(rate * person.activity))) < person.left:
                order = self._order(person, at.replace(microsecond=0), len(orders))
                person.orders.append(order)
                orders.append(order)
        return orders

    def _order(self, person: _Customer, placed: datetime, number: int) -> _Order:
        rng = self.rng
        product = rng.choice(verbatims.CATALOGUE)
        promised = PROMISED_DAYS[person.plan]
        if rng.random() < self._late_share(person, placed):
            days = promised + rng.randint(2, 9)
        else:
            days = max(1, promised - rng.choice((0, 0, 0, 1)))
        delivered = self.after(placed, days * 24 - 4, days * 24 + 6)
        return _Order(
            id=f"NW-{100001 + number}",
            customer=person,
            placed=placed,
            channel="app" if person.uses_app and rng.random() < 0.6 else "web",
            product=product,
            amount=round(product.price * rng.uniform(0.85, 1.1) * rng.choice((1, 1, 1, 2)), 2),
            promised_days=promised,
            delivery_days=days,
            delivered=delivered if delivered < self.end else None,
        )

    def _late_share(self, person: _Customer, placed: datetime) -> float:
        north_now = person.region == LATE_DELIVERIES.segment["region"] and placed >= self.late_from
        return LATE_DELIVERIES.parameters["late_share_after" if north_now else "late_share_before"]

    def tickets(self, people: Sequence[_Customer], orders: Sequence[_Order], target: int) -> list[_Ticket]:
        """Tickets about orders (late, damaged, faulty, returned), then general ones up to about `target`."""
        tickets: list[_Ticket] = []
        for order in orders:
            topic, at = self._order_trouble(order)
            if topic and at < self.end:
                tickets.append(self._ticket(order.customer, at, topic, order, len(tickets)))
        exposure = sum(p.activity * (p.left - p.active_from).total_seconds() / 86400 for p in people)
        rate = max(target - len(tickets), 0) / max(exposure, 1.0)
        for person in people:
            at = person.active_from
            while (at := at + timedelta(days=self.rng.expovariate(rate * person.activity))) < person.left:
                topic = _pick(self.rng, self._general_topics(person, at))
                tickets.append(self._ticket(person, at.replace(microsecond=0), topic, None, len(tickets)))
        return tickets

    def _order_trouble(self, order: _Order) -> tuple[str | None, datetime]:
        rng, roll = self.rng, self.rng.random()
        if order.late and roll < 0.35:
            return "where_is_my_order", self.after(order.due, 6, 48)
        if order.delivered is None:
            return None, order.placed
        for topic, chance, low, high in (("damaged_item", 0.05, 1, 48), ("return", 0.09, 48, 480)):
            if roll < chance:
                return topic, self.after(order.delivered, low, high)
        if roll < 0.12:
            return "faulty_product", self.after(order.delivered, 120, 1000)
        return None, order.placed

    def _general_topics(self, person: _Customer, at: datetime) -> dict[str, float]:
        billing = 3.0 if self._price_hit(person, at) else 1.0
        return {"billing": billing, "account": 1.0, "app_problem": 1.0 if person.uses_app else 0.1}

    def _ticket(self, person: _Customer, opened: datetime, topic: str, order: _Order | None, n: int) -> _Ticket:
        rng, params = self.rng, SUPPORT_BACKLOG.parameters
        backlog = self.backlog[0] <= opened < self.backlog[1]
        repeat = params["repeat_chance_during" if backlog else "repeat_chance_before"]
        contacts = 1
        while contacts < 6 and rng.random() < repeat:
            contacts += 1
        hours = rng.lognormvariate(math.log(18), 0.8) * (1 + 0.5 * (contacts - 1))
        hours *= params["resolution_factor"] if backlog else 1.0
        closed = opened + timedelta(seconds=round(hours * 3600))
        return _Ticket(
            id=f"T-{200001 + n}",
            customer=person,
            opened=opened,
            closed=closed if closed < self.end else None,
            channel=_pick(rng, TICKET_CHANNELS),
            topic=topic,
            contacts=contacts,
            agent=rng.choice(verbatims.AGENTS),
            backlog=backlog,
            order=order,
        )

    # --- planted effects ----------------------------------------------------------------------------

    def _price_hit(self, person: _Customer, at: datetime) -> bool:
        return person.plan == PRICE_RISE.segment["plan"] and at >= self.price_from

    def _recently_late(self, person: _Customer, at: datetime) -> bool:
        window = timedelta(days=LATE_DELIVERIES.parameters["recent_days"])
        return any(order.late and at - window <= order.due <= at for order in person.orders)

    def _waited_for_late(self, occasion: _Occasion) -> bool:
        order = occasion.order
        return order is not None and order.late and occasion.at >= order.due

    from voxpop.demo._world_feedback import (  # noqa: E402
        events,
        feedback,
        occasions,
    )
