"""Deterministic, realistic feedback data for the benchmarks: the same seed gives the same bytes.

Customers repeat (about one customer per five rows) and keep a stable region and plan, as in a real
survey export; comments are varied sentences of 60 to 200 characters.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

COLUMNS = ["id", "date", "email", "channel", "nps", "csat", "comment", "region", "plan", "store"]
ROWS_PER_CUSTOMER = 5
CHANNELS = ["email", "web", "app", "sms", "chat", "phone", "in_store"]
REGIONS = ["north", "south", "east", "west", "central", "overseas"]
PLANS = ["free", "basic", "plus", "premium", "business"]
STORES = [f"store-{n:03d}" for n in range(1, 121)]
START = datetime(2024, 1, 1, tzinfo=UTC)
SPAN_SECONDS = 365 * 24 * 3600

_OPENINGS = [
    "The delivery was",
    "Checkout felt",
    "Your support agent was",
    "The new app update is",
    "Returning the jacket was",
    "Prices this month seem",
    "The store staff were",
    "Tracking my order was",
    "The refund process was",
    "Signing up was",
]
_JUDGEMENTS = [
    "quick and painless",
    "slow and confusing",
    "friendly but not very helpful",
    "far better than last time",
    "a bit of a nightmare",
    "exactly what I hoped for",
    "fine, nothing special",
    "frustrating from start to finish",
]
_DETAILS = [
    "I had to call twice before anyone answered.",
    "The parcel arrived a day early and well packed.",
    "The size guide does not match the actual fit.",
    "Please bring back the old loyalty points page.",
    "The courier left the box in the rain.",
    "Great value for money, I will order again.",
    "The discount code did not work at checkout.",
    "Live chat solved my problem in five minutes.",
    "I still have not received my refund after two weeks.",
    "Everything worked, thank you.",
    "The app crashes when I open my order history.",
    "Staff in the shop went out of their way to help.",
]


def _comment(rng: random.Random) -> str:
    parts = [f"{rng.choice(_OPENINGS)} {rng.choice(_JUDGEMENTS)}."]
    while True:
        detail = rng.choice(_DETAILS)
        if len(" ".join([*parts, detail])) > 200:
            break
        parts.append(detail)
        if len(" ".join(parts)) >= 60 and rng.random() < 0.5:
            break
    return " ".join(parts)


def records(rows: int, seed: int) -> Iterator[dict[str, Any]]:
    """The rows of the file, as dicts keyed by COLUMNS (all values already text)."""
    rng = random.Random(seed)
    customers = max(1, rows // ROWS_PER_CUSTOMER)
    for number in range(1, rows + 1):
        customer = rng.randrange(customers)
        received = START + timedelta(seconds=rng.randrange(SPAN_SECONDS))
        yield {
            "id": f"resp-{seed}-{number:08d}",
            "date": received.isoformat().replace("+00:00", "Z"),
            "email": f"customer{customer:07d}@example.com",
            "channel": rng.choice(CHANNELS),
            "nps": str(rng.randrange(11)),
            "csat": str(rng.randrange(1, 6)) if rng.random() < 0.7 else "",
            "comment": _comment(rng),
            "region": REGIONS[customer % len(REGIONS)],
            "plan": PLANS[(customer // len(REGIONS)) % len(PLANS)],
            "store": rng.choice(STORES),
        }


def write_csv(path: Path, rows: int, seed: int) -> Path:
    """Write the file unless it is already there (same name = same rows and seed = same content)."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(records(rows, seed))
    partial.rename(path)
    return path
