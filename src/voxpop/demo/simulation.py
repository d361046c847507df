"""The simulated company behind the demo data: Northwind Home, an online home-goods retailer.

Over the 18 months before `end`, customers join, order, wait for deliveries (some late), open tickets,
change plans and leave; `World` simulates that and tells it as journey events. The planted effects are
parameters of this simulation; `voxpop.demo.generator` turns the same history into feedback.
"""

from __future__ import annotations

import calendar
import math
import random
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from voxpop.customer.schemas import CustomerIn, CustomerRef
from voxpop.demo.verbatims import AGENTS, CATALOGUE, Product
from voxpop.journey.schemas import EventIn
from voxpop.kit.validation import AttributeValue

MONTHS = 18


@dataclass(frozen=True)
class PlantedEffect:
    """A pattern planted in the data, active from the start of `from_month` to the start of `to_month`.

    Months count from the start of the window (0 = the first of the 18, 18 = `end`); `segment` names the
    customer attributes it applies to; `parameters` are the simulation's settings for it (score shifts are
    on the metric's own scale, shares are probabilities). docs/demo.md describes each one.
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
        "late_share_after": 0.32,
        "nps_shift_late_order": -2.5,
        "nps_shift_recent_late": -1.0,
        "recent_days": 60,
        "mention_share": 0.85,
    },
)
PRICE_RISE = PlantedEffect(
    key="price_rise_basic",
    summary="The basic plan's monthly fee rises and its members turn detractor",
    segment={"plan": "basic"},
    metric="nps",
    from_month=12,
    to_month=MONTHS,
    parameters={
        "fee_before": 4.99,
        "fee_after": 7.99,
        "nps_shift": -0.8,
        "mention_share": 0.7,
        "churn_factor": 2.5,
    },
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
        "csat_shift": -0.2,
        "csat_shift_per_repeat": -0.2,
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
MOOD_SPREAD, MONTHLY_CHURN = 0.9, 0.008
NAMES = {
    "en": (
        "Olivia Liam Emma Noah Ava James Sophia Lucas Mia Ethan Amelia Mason Harper Logan Ella Jack Grace "
        "Ryan Chloe Daniel Zoe Aaron Nora Isaac Leah Samuel Ruby Owen Maya Caleb",
        "Smith Johnson Brown Taylor Miller Davis Wilson Anderson Thomas Moore Martin Jackson Thompson "
        "White Harris Clark Lewis Walker Hall Young King Wright Scott Green Baker Adams Nelson Hill Mitchell",
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
"""First names, then last names, per language."""
EVENTS = {
    "account_created": ("shop", "onboarding", "sign-up"),
    "plan_changed": ("billing", "loyalty", "membership"),
    "plan_price_changed": ("billing", "loyalty", "membership"),
    "account_closed": ("shop", "churn", "membership"),
    "order_placed": ("shop", "purchase", "checkout"),
    "order_delivered": ("shop", "purchase", "delivery"),
    "ticket_opened": ("helpdesk", "support", "support"),
    "ticket_closed": ("helpdesk", "support", "support"),
    "app_session": ("app", "onboarding", "app"),
}
"""Per event type: the source system (`demo:<system>`), the lifecycle stage and the touchpoint."""


def month_start(end: datetime, month: int) -> datetime:
    """The start of month `month` of the window: `end` moved back 18 − `month` calendar months."""
    year, index = divmod(end.year * 12 + end.month - 1 - (MONTHS - month), 12)
    return end.replace(year=year, month=index + 1, day=min(end.day, calendar.monthrange(year, index + 1)[1]))


@dataclass(eq=False)
class Customer:
    index: int
    first_name: str
    last_name: str
    language: str
    segment: str
    plan: str
    region: str
    mood: float
    """The customer's lasting disposition, in points of the 0–10 NPS answer."""
    activity: float
    uses_app: bool
    joined: datetime
    active_from: datetime
    left: datetime
    """When the customer closed the account, or `end` for those who stay."""
    churned: bool = False
    phone: str | None = None
    handle: str | None = None
    previous_plan: str | None = None
    plan_changed_at: datetime | None = None
    orders: list[Order] = field(default_factory=list)
    tickets: list[Ticket] = field(default_factory=list)
    refs: dict[str, CustomerRef] = field(default_factory=dict)

    @property
    def external_id(self) -> str:
        return f"C{self.index + 1:06d}"

    @property
    def email(self) -> str:
        domain = ("example.com", "example.org", "example.net")[self.index % 3]
        return f"{_ascii(self.first_name)}.{_ascii(self.last_name)}{self.index + 1}@{domain}"


@dataclass(eq=False)
class Order:
    id: str
    customer: Customer
    placed: datetime
    channel: str
    product: Product
    amount: float
    promised_days: int
    delivery_days: int
    delivered: datetime | None
    """None while still on its way at `end`."""

    @property
    def due(self) -> datetime:
        return self.placed + timedelta(days=self.promised_days)

    @property
    def late(self) -> bool:
        return self.delivery_days > self.promised_days


@dataclass(eq=False)
class Ticket:
    id: str
    customer: Customer
    opened: datetime
    closed: datetime | None
    channel: str
    topic: str
    contacts: int
    """How often the customer had to get in touch before it was solved."""
    agent: str
    backlog: bool
    order: Order | None


def pick(rng: random.Random, shares: Mapping[str, float]) -> str:
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def _days(span: timedelta) -> float:
    return span.total_seconds() / 86400


def customer_in(person: Customer) -> CustomerIn:
    attributes: dict[str, AttributeValue] = {
        "segment": person.segment,
        "plan": person.plan,
        "region": person.region,
        "value": round(sum(order.amount for order in person.orders), 2),
        "since": person.joined.date().isoformat(),
    }
    name = f"{person.first_name} {person.last_name}"
    return CustomerIn(
        external_id=person.external_id,
        email=person.email,
        phone=person.phone,
        handle=person.handle,
        name=name,
        language=person.language,
        attributes=attributes,
    )


def ref(person: Customer, channel: str) -> CustomerRef:
    """Who a record is from, as its channel knows them: social posts by handle, calls by phone number."""
    if channel == "social" and person.handle:
        key = "handle"
    elif channel == "phone" and person.phone:
        key = "phone"
    else:
        key = "external_id"
    if key not in person.refs:
        person.refs[key] = CustomerRef(**{key: getattr(person, key)})
    return person.refs[key]


def event(
    type_: str, at: datetime, person: Customer, key: str, channel: str | None, **attributes: AttributeValue
) -> EventIn:
    source, stage, touchpoint = EVENTS[type_]
    return EventIn(
        type=type_,
        channel=channel,
        source=f"demo:{source}",
        external_id=key,
        occurred_at=at,
        customer=ref(person, "event"),
        lifecycle_stage=stage,
        touchpoint=touchpoint,
        attributes=attributes,
    )


class World:
    """The simulation: one random stream for what happens, one for the words used to tell of it, and one for
    the relationship survey's rating matrix (so that adding it changed no other record)."""

    def __init__(self, seed: int, end: datetime) -> None:
        master = random.Random(seed)
        self.rng = random.Random(master.getrandbits(64))
        self.words = random.Random(master.getrandbits(64))
        self.ratings = random.Random(master.getrandbits(64))
        self.ideas = random.Random(master.getrandbits(64))
        self.end = end
        self.months = [month_start(end, month) for month in range(MONTHS + 1)]
        self.start = self.months[0]
        self.late_from = LATE_DELIVERIES.period(end)[0]
        self.price_from = PRICE_RISE.period(end)[0]
        self.backlog = SUPPORT_BACKLOG.period(end)

    def moment(self, low: datetime, high: datetime) -> datetime:
        """A whole second, uniformly in [low, high)."""
        return low + timedelta(seconds=math.floor((high - low).total_seconds() * self.rng.random()))

    def after(self, at: datetime, low_hours: float, high_hours: float) -> datetime:
        return self.moment(at + timedelta(hours=low_hours), at + timedelta(hours=high_hours))

    def _poisson(self, person: Customer, rate: float) -> list[datetime]:
        """Moments of a Poisson process over the customer's active time, `rate` a day per unit of activity."""
        times: list[datetime] = []
        at = person.active_from
        while rate > 0:
            at += timedelta(days=self.rng.expovariate(rate * person.activity))
            if at >= person.left:
                return times
            times.append(at.replace(microsecond=0))
        return times

    def _rate(self, people: Sequence[Customer], count: int) -> float:
        """The rate at which Poisson processes over all customers' active time give about `count` moments."""
        return max(count, 0) / max(sum(p.activity * _days(p.left - p.active_from) for p in people), 1.0)

    # --- planted effects ------------------------------------------------------------------------------

    def price_hit(self, person: Customer, at: datetime) -> bool:
        return person.plan == PRICE_RISE.segment["plan"] and at >= self.price_from

    def recently_late(self, person: Customer, at: datetime) -> bool:
        window = timedelta(days=LATE_DELIVERIES.parameters["recent_days"])
        return any(order.late and at - window <= order.due <= at for order in person.orders)

    def late_share(self, person: Customer, placed: datetime) -> float:
        north_now = person.region == LATE_DELIVERIES.segment["region"] and placed >= self.late_from
        return LATE_DELIVERIES.parameters["late_share_after" if north_now else "late_share_before"]

    # --- customers ------------------------------------------------------------------------------------

    def customers(self, count: int) -> list[Customer]:
        return [self._customer(index) for index in range(count)]

    def _customer(self, index: int) -> Customer:
        rng = self.rng
        language, plan, region = pick(rng, LANGUAGES), pick(rng, PLANS), pick(rng, REGIONS)
        segment = "business" if rng.random() < 0.15 else "consumer"
        if rng.random() < 0.55:
            joined = self.moment(self.start - timedelta(days=1500), self.start - timedelta(days=30))
        else:  # sign-ups grow over the window
            joined = self.moment(self.start, self.start + (self.end - self.start) * math.sqrt(rng.random()))
        first_names, last_names = NAMES[language]
        person = Customer(
            index=index,
            first_name=rng.choice(first_names.split()),
            last_name=rng.choice(last_names.split()),
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

    def _identities(self, person: Customer) -> None:
        """A phone for 45 %, a social handle for 25 %; both unique, built on the customer's number."""
        rng, number = self.rng, person.index + 1
        if rng.random() < 0.45:
            area = rng.choice(AREA_CODES[person.region])
            person.phone = f"+1 {area} 55{number // 10000 % 10} {number % 10000:04d}"
        if rng.random() < 0.25:
            separator = rng.choice(("_", "", "."))
            person.handle = f"@{_ascii(person.first_name)}{separator}{_ascii(person.last_name)[0]}{number}"

    def _leaving(self, person: Customer) -> None:
        """Customers leave at a monthly rate that grows as their mood sinks, and with the basic fee rise."""
        for month in range(MONTHS):
            low = max(self.months[month], person.active_from + timedelta(days=14))
            high = self.months[month + 1]
            rate = MONTHLY_CHURN * math.exp(-0.6 * person.mood)
            if person.plan == PRICE_RISE.segment["plan"] and month >= PRICE_RISE.from_month:
                rate *= PRICE_RISE.parameters["churn_factor"]
            if low < high and self.rng.random() < rate:
                person.left, person.churned = self.moment(low, high), True
                return

    def _plan_change(self, person: Customer) -> None:
        """Some came from another plan; every change precedes the fee rise, so `plan` holds from then on."""
        low, high = person.active_from + timedelta(days=20), min(person.left, self.price_from)
        if low < high and self.rng.random() < 0.12:
            person.previous_plan = self.rng.choice([plan for plan in PLANS if plan != person.plan])
            person.plan_changed_at = self.moment(low, high)

    # --- orders and tickets ---------------------------------------------------------------------------

    def orders(self, people: Sequence[Customer], count: int) -> list[Order]:
        """Orders arrive as a Poisson process per customer, scaled so that about `count` are placed."""
        rate, orders = self._rate(people, count), list[Order]()
        for person in people:
            for placed in self._poisson(person, rate):
                person.orders.append(self._order(person, placed, len(orders)))
                orders.append(person.orders[-1])
        return orders

    def _order(self, person: Customer, placed: datetime, number: int) -> Order:
        rng = self.rng
        product, promised = rng.choice(CATALOGUE), PROMISED_DAYS[person.plan]
        if rng.random() < self.late_share(person, placed):
            days = promised + rng.randint(2, 9)
        else:
            days = max(1, promised - rng.choice((0, 0, 0, 1)))
        delivered = self.after(placed, days * 24 - 4, days * 24 + 6)
        return Order(
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

    def tickets(self, people: Sequence[Customer], orders: Sequence[Order], count: int) -> list[Ticket]:
        """Tickets about orders (late, damaged, returned, faulty), then general ones up to about `count`."""
        tickets: list[Ticket] = []
        for order in orders:
            topic, at = self._order_trouble(order)
            if topic and at < self.end:
                tickets.append(self._ticket(order.customer, at, topic, order, len(tickets)))
        rate = self._rate(people, count - len(tickets))
        for person in people:
            for at in self._poisson(person, rate):
                billing = 3.0 if self.price_hit(person, at) else 1.0
                topics = {"billing": billing, "account": 1.0, "app_problem": 1.0 if person.uses_app else 0.1}
                tickets.append(self._ticket(person, at, pick(self.rng, topics), None, len(tickets)))
        for ticket in tickets:
            ticket.customer.tickets.append(ticket)
        return tickets

    def _order_trouble(self, order: Order) -> tuple[str | None, datetime]:
        roll = self.rng.random()
        if order.late and roll < 0.35:
            return "where_is_my_order", self.after(order.due, 6, 40)
        if order.delivered is None or roll >= 0.12:
            return None, order.placed
        if roll < 0.05:
            return "damaged_item", self.after(order.delivered, 1, 48)
        if roll < 0.09:
            return "return", self.after(order.delivered, 48, 480)
        return "faulty_product", self.after(order.delivered, 120, 1000)

    def _ticket(self, person: Customer, opened: datetime, topic: str, order: Order | None, n: int) -> Ticket:
        """A ticket; in the backlog customers must get in touch more often and wait longer for a fix."""
        rng, params = self.rng, SUPPORT_BACKLOG.parameters
        backlog = self.backlog[0] <= opened < self.backlog[1]
        repeat, contacts = params["repeat_chance_during" if backlog else "repeat_chance_before"], 1
        while contacts < 6 and rng.random() < repeat:
            contacts += 1
        hours = rng.lognormvariate(math.log(18), 0.8) * (1 + 0.5 * (contacts - 1))
        hours *= params["resolution_factor"] if backlog else 1.0
        closed = opened + timedelta(seconds=round(hours * 3600))
        return Ticket(
            id=f"T-{200001 + n}",
            customer=person,
            opened=opened,
            closed=closed if closed < self.end else None,
            channel=pick(rng, TICKET_CHANNELS),
            topic=topic,
            contacts=contacts,
            agent=rng.choice(AGENTS),
            backlog=backlog,
            order=order,
        )

    # --- journey events -------------------------------------------------------------------------------

    def events(
        self, people: Sequence[Customer], orders: Sequence[Order], tickets: Sequence[Ticket], sessions: int
    ) -> list[EventIn]:
        events = [one for person in people for one in self._customer_events(person)]
        events += [one for order in orders for one in self._order_events(order)]
        events += [one for ticket in tickets for one in self._ticket_events(ticket)]
        events += self._app_sessions(people, sessions)
        return sorted(events, key=lambda one: (one.occurred_at or self.end, one.external_id or ""))

    def _customer_events(self, person: Customer) -> list[EventIn]:
        cid, events = person.external_id, []
        if person.joined >= self.start:
            plan = person.previous_plan or person.plan
            events.append(event("account_created", person.joined, person, f"{cid}:created", "web", plan=plan))
        if person.plan_changed_at:
            change: dict[str, AttributeValue] = {"from_plan": person.previous_plan, "to_plan": person.plan}
            events.append(
                event("plan_changed", person.plan_changed_at, person, f"{cid}:plan", "web", **change)
            )
        if self.price_hit(person, self.price_from) and person.active_from <= self.price_from < person.left:
            fees: dict[str, AttributeValue] = {"plan": person.plan, **PRICE_RISE.parameters}
            fees = {key: fees[key] for key in ("plan", "fee_before", "fee_after")}
            events.append(event("plan_price_changed", self.price_from, person, f"{cid}:fee", "email", **fees))
        if person.churned:
            reason = self._reason(person)
            events.append(event("account_closed", person.left, person, f"{cid}:closed", "web", reason=reason))
        return events

    def _reason(self, person: Customer) -> str:
        if self.price_hit(person, person.left) and self.rng.random() < 0.6:
            return "price"
        return self.rng.choice(("moving house", "delivery", "quality", "not using it", "other"))

    def _order_events(self, order: Order) -> list[EventIn]:
        person, product, key = order.customer, order.product, order.id
        placed = event(
            "order_placed", order.placed, person, f"{key}:placed", order.channel, order_id=key,
            product=product.names["en"], category=product.category, amount=order.amount,
            promised_days=order.promised_days,
        )  # fmt: skip
        if order.delivered is None:
            return [placed]
        delivered = event(
            "order_delivered", order.delivered, person, f"{key}:delivered", None, order_id=key,
            promised_days=order.promised_days, delivery_days=order.delivery_days, late=order.late,
            region=person.region,
        )  # fmt: skip
        return [placed, delivered]

    def _ticket_events(self, ticket: Ticket) -> list[EventIn]:
        person, key, order_id = ticket.customer, ticket.id, ticket.order.id if ticket.order else None
        opened = event(
            "ticket_opened", ticket.opened, person, f"{key}:opened", ticket.channel, ticket_id=key,
            topic=ticket.topic, order_id=order_id,
        )  # fmt: skip
        if ticket.closed is None:
            return [opened]
        hours = round((ticket.closed - ticket.opened).total_seconds() / 3600, 1)
        closed = event(
            "ticket_closed", ticket.closed, person, f"{key}:closed", ticket.channel, ticket_id=key,
            topic=ticket.topic, contacts=ticket.contacts, resolution_hours=hours, agent=ticket.agent,
        )  # fmt: skip
        return [opened, closed]

    def _app_sessions(self, people: Sequence[Customer], count: int) -> list[EventIn]:
        users = [person for person in people if person.uses_app]
        weights = [person.activity * _days(person.left - person.active_from) for person in users]
        sessions = []
        for number, person in enumerate(self.rng.choices(users, weights, k=count) if users else [], start=1):
            at = self.moment(person.active_from, person.left)
            screens, minutes = self.rng.randint(2, 30), round(self.rng.lognormvariate(1.2, 0.7), 1)
            key = f"S-{number:07d}"
            sessions.append(event("app_session", at, person, key, "app", screens=screens, minutes=minutes))
        return sessions
