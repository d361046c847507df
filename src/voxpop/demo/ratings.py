"""The rating matrix of Northwind Home's relationship survey: six service items rated 1–5 beside NPS.

The NPS answer of a relationship survey is the customer's mood, the planted shifts (a recent late order,
the basic fee rise) and noise (`generator.NPS_NOISE`). Here that noise is read as the sum of the customer's
experiences of six aspects of the service plus a part no item captures: each aspect takes a share of its
variance (`RatingItem.weight`), larger when the aspect is on the customer's mind (`_salience`: late orders
for delivery, the fee rise for price, a backlogged ticket for support, a return for returns). The parts are
drawn from their joint distribution given the noise already drawn, so they add up to it exactly and the NPS
answers are the same, to the bit, as without the matrix. Each item's rating then follows the customer's
experience of that aspect (its part of the NPS answer and the planted shift on it), what the record cannot
see in the NPS answer (how late, which products, how many contacts: `_levels`), the customer's mood (a
halo shared by all items), a per-answer scale-use tendency and noise, rounded to 1–5; each item is left
out of 5 % of answers. So key-driver analysis of NPS on the items finds the planted structure: delivery and
price lead, product quality is a steady moderate driver, support matters while the backlog lasts, app and
returns barely matter (`DRIVER_ORDER`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from voxpop.demo.simulation import LATE_DELIVERIES, Customer, World


@dataclass(frozen=True)
class RatingItem:
    """One item of the matrix: the attribute that holds its 1–5 rating and what drives it.

    `weight`: the share of the NPS answer's noise variance that the customer's experience of the aspect
    accounts for, before salience; `mean`: the average rating of an unremarkable experience.
    """

    key: str
    aspect: str
    description: str
    weight: float
    mean: float


RATING_ITEMS = (
    RatingItem("item_delivery", "delivery", "Delivery speed and reliability: strong driver, the top one in "
               "north after the late deliveries start; late orders lower it.", 0.10, 4.2),
    RatingItem("item_price", "price", "Price and membership fee: strong driver, above all for basic members "
               "after the fee rise, which lowers it.", 0.07, 3.8),
    RatingItem("item_product_quality", "quality", "Product quality: steady moderate driver, the same all "
               "along; weaker products and faulty or damaged items lower it.", 0.10, 4.0),
    RatingItem("item_support", "support", "Customer support: minor driver, larger for customers whose "
               "ticket fell in the support backlog; repeated contacts and the backlog lower it.", 0.05, 3.9),
    RatingItem("item_app", "app", "The app: weak driver.", 0.015, 4.0),
    RatingItem("item_returns", "returns", "Returns and refunds: weak driver; a recent return lowers it "
               "and makes it matter more.", 0.015, 3.9),
)  # fmt: skip
"""The items of the relationship survey's rating matrix, in their true order as drivers of NPS."""
DRIVER_ORDER = tuple(item.key for item in RATING_ITEMS)
"""The true order of the items as drivers of relationship NPS over all answers, strongest first. Delivery
and price, the planted ones, lead (between the two the order depends on the seed); then product quality,
support, and app and returns far behind."""
SALIENCE = {
    "late_order": 3.0,
    "late_region": 1.5,
    "price_rise": 3.0,
    "backlog_ticket": 5.0,
    "return": 3.0,
}
"""How what happened raises an item's weight (`_salience`): delivery × (1 + `late_region` × (the region's
late share now / `late_share_before` − 1) + `late_order` × the customer's late orders due in the last
`RECENT_DAYS`, at most 2); price × `price_rise` once the fee rise hits the customer; support ×
`backlog_ticket` after a ticket opened in the backlog; returns × `return` after a return."""
MISSING_SHARE = 0.05
"""The chance that an answer leaves out any one item."""
GAIN, HALO, STYLE, ITEM_NOISE = 0.5, 0.3, 0.25, 0.45
"""Rating points per NPS point of the aspect's experience; per point of mood (shared by all items); the sd
of a respondent's scale use (shared by all items of one answer, unrelated to NPS); the sd of each rating's
own noise."""
MAX_WEIGHT = 0.85
"""The items together never account for more than this share of the NPS noise variance."""
RECENT_DAYS = 180
"""How long late orders, tickets and products bought stay on a customer's mind."""


def rate(
    world: World,
    person: Customer,
    at: datetime,
    mood: float,
    shifts: Mapping[str, float],
    noise: float,
    noise_sd: float,
) -> dict[str, int]:
    """The ratings of one relationship survey answer given at `at`, keyed by item, items left out missing.

    `shifts` are the planted NPS shifts the answer got, by aspect; `noise` is the noise drawn for the NPS
    answer (sd `noise_sd`), which the aspects' experiences split between them.
    """
    rng = world.ratings
    weights = _salience(world, person, at)
    parts = _split(rng, noise, noise_sd, weights)
    levels = _levels(world, person, at)
    style = rng.gauss(0.0, STYLE)
    ratings: dict[str, int] = {}
    for item in RATING_ITEMS:
        experience = shifts.get(item.aspect, 0.0) + parts[item.key]
        latent = item.mean + GAIN * experience + HALO * mood + style + levels.get(item.key, 0.0)
        rating = max(1, min(5, round(latent + rng.gauss(0.0, ITEM_NOISE))))
        if rng.random() >= MISSING_SHARE:
            ratings[item.key] = rating
    return ratings


def _recent(moment: datetime | None, at: datetime) -> bool:
    return moment is not None and at - timedelta(days=RECENT_DAYS) <= moment <= at


def _salience(world: World, person: Customer, at: datetime) -> dict[str, float]:
    """Each item's share of the NPS noise variance for this customer now: more for what is on their mind."""
    weights = {item.key: item.weight for item in RATING_ITEMS}
    late = sum(order.late and _recent(order.due, at) for order in person.orders)
    regional = world.late_share(person, at) / LATE_DELIVERIES.parameters["late_share_before"]
    weights["item_delivery"] *= (
        1 + SALIENCE["late_region"] * (regional - 1) + SALIENCE["late_order"] * min(late, 2)
    )
    if world.price_hit(person, at):
        weights["item_price"] *= SALIENCE["price_rise"]
    tickets = [ticket for ticket in person.tickets if _recent(ticket.opened, at)]
    if any(ticket.backlog for ticket in tickets):
        weights["item_support"] *= SALIENCE["backlog_ticket"]
    if any(ticket.topic == "return" for ticket in tickets):
        weights["item_returns"] *= SALIENCE["return"]
    total = sum(weights.values())
    return {key: weight * min(1.0, MAX_WEIGHT / total) for key, weight in weights.items()}


def _split(rng: random.Random, noise: float, sd: float, weights: Mapping[str, float]) -> dict[str, float]:
    """Normal parts with variances `weight × sd²` and a rest, drawn given that they sum to `noise`.

    Draw z_k ~ N(0, v_k) for every part (the rest too), then c_k = z_k + v_k / sd² · (noise − Σ z): the c_k
    have exactly the joint distribution of the parts conditional on their sum being `noise`.
    """
    variances = {key: weight * sd * sd for key, weight in weights.items()}
    rest = sd * sd - sum(variances.values())
    draws = {key: rng.gauss(0.0, math.sqrt(variance)) for key, variance in variances.items()}
    gap = noise - sum(draws.values()) - rng.gauss(0.0, math.sqrt(rest))
    return {key: draws[key] + variances[key] / (sd * sd) * gap for key in variances}


def _levels(world: World, person: Customer, at: datetime) -> dict[str, float]:
    """Rating shifts for what happened that the NPS answer does not show: how late, which products, how
    many contacts; on the items' 1–5 scale."""
    late = [order for order in person.orders if order.late and _recent(order.due, at)]
    delivery = -sum(min(order.delivery_days - order.promised_days, 6) for order in late[-2:]) / 6
    bought = [order.product.quality for order in person.orders if _recent(order.delivered, at)]
    tickets = [ticket for ticket in person.tickets if _recent(ticket.opened, at)]
    faulty = any(ticket.topic in ("faulty_product", "damaged_item") for ticket in tickets)
    repeats = max((ticket.contacts - 1 for ticket in tickets), default=0)
    backlog = any(ticket.backlog for ticket in tickets)
    return {
        "item_delivery": delivery,
        "item_price": -0.2 if world.price_hit(person, at) else 0.0,
        "item_product_quality": 0.8 * (sum(bought) / len(bought) if bought else 0.0) - (0.7 if faulty else 0),
        "item_support": -0.15 * min(repeats, 4) - (0.3 if backlog else 0.0),
        "item_returns": -0.4 if any(ticket.topic == "return" for ticket in tickets) else 0.0,
    }
