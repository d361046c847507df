"""Composes the demo's customer verbatims from the fragments in `voxpop.demo.grammar`.

A text is one or more clauses, each about an aspect (delivery, courier, price, ...) said positively or
negatively and filled with specifics (product, days, agent, fee), joined by connectors that fit the change
of sentiment, framed in the style of its channel (survey comment, review, ticket, chat, call, social post)
and sometimes opened and closed by a sentence in the same tone. Combining independent choices keeps tens of
thousands of texts mostly distinct while their sentiment follows the scores the generator chose.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from voxpop.demo import grammar as fragments

Grammar = dict[str, tuple[str, ...]]
Words = dict[str, str]
Frame = Callable[[random.Random, Grammar, str, str, Words], str]

ASPECTS = ("delivery", "courier", "price", "app", "support", "waiting", "quality", "returns", "website")
"""What customers write about. Said only negatively: `overdue` (a delivery still awaited past its date) and
`price_rise` (the planted fee rise)."""
_FALLBACK = {"overdue": "delivery", "price_rise": "price"}


@dataclass(frozen=True)
class Product:
    names: dict[str, str]
    category: str
    price: float
    quality: float
    """Shift of this product's star ratings: a few products are worse than the rest."""


@dataclass(frozen=True)
class Mention:
    aspect: str
    positive: bool


@dataclass(frozen=True)
class Facts:
    """What a text may mention; anything left out is made up by the grammar, consistently within a text."""

    first_name: str
    product: Product | None = None
    order_id: str | None = None
    delivery_days: int | None = None
    promised_days: int | None = None
    contacts: int | None = None
    agent: str | None = None
    plan: str = "basic"
    fee_old: float = 4.99
    fee_new: float = 7.99


def write(
    rng: random.Random, language: str, style: str, tone: str, mentions: Sequence[Mention], facts: Facts
) -> str:
    """A text in `language` and `style` (one of STYLES) about `mentions`; `tone` is "+", "~" or "-"."""
    grammar = GRAMMARS[language]
    words = slots(rng, language, facts)
    body = _body(rng, grammar, mentions, words)
    text = _sentence_case(_FRAMES[style](rng, grammar, tone, body, words))
    return _AN.sub(r"\1n ", text) if language == "en" else text


def title(
    rng: random.Random, language: str, tone: str, mention: Mention, facts: Facts, subject: bool = False
) -> str:
    """A review title, or with `subject` a ticket's subject line."""
    grammar = GRAMMARS[language]
    options = grammar.get(f"title:{mention.aspect}{_sign(mention.positive)}")
    options = options or grammar["subject" if subject else f"title{tone}"]
    return _sentence_case(rng.choice(options).format_map(slots(rng, language, facts)))


def _sign(positive: bool) -> str:
    return "+" if positive else "-"


def slots(rng: random.Random, language: str, facts: Facts) -> Words:
    """Every slot a fragment may use, from the facts where known and made up where not.

    `days` is an on-time delivery time and `took` a late one, so that both read true for a real order.
    """
    grammar = GRAMMARS[language]
    product = facts.product or rng.choice(CATALOGUE)
    promised = facts.promised_days or rng.choice((2, 3, 5))
    actual = facts.delivery_days
    took = actual if actual and actual > promised else promised + rng.randint(2, 7)
    contacts = facts.contacts if facts.contacts and facts.contacts > 1 else rng.randint(2, 4)
    times = grammar["times"]
    return {
        "product": product.names[language],
        "category": product.category,
        "days": str(actual if actual and actual <= promised else promised),
        "took": str(took),
        "late_days": str(took - promised),
        "promised": str(promised),
        "wait_days": str(rng.randint(3, 12)),
        "agent": facts.agent or rng.choice(AGENTS),
        "driver": rng.choice(DRIVERS),
        "times": times[min(contacts, len(times) + 1) - 2],
        "nth": grammar.get("nth", times)[min(contacts, len(times) + 1) - 2],
        "order": facts.order_id or f"NW-{rng.randint(100000, 999999)}",
        "order_known": "yes" if facts.order_id else "",
        "fee_old": f"${facts.fee_old:.2f}",
        "fee_new": f"${facts.fee_new:.2f}",
        "fee_diff": f"${facts.fee_new - facts.fee_old:.2f}",
        "plan": facts.plan,
        "feature": rng.choice(grammar["feature"]),
        "weekday": rng.choice(grammar["weekday"]),
        "hours": str(rng.choice((2, 4, 6, 24, 36, 48, 72))),
        "minutes": str(rng.choice((5, 10, 15, 20, 25, 30, 40, 45, 50, 90))),
        "weeks": str(rng.randint(2, 9)),
        "price": f"${product.price:.0f}",
        "saving": f"${rng.choice((10, 15, 20, 25, 30, 40, 50, 60, 80))}",
        "delivery_fee": f"${rng.choice((5.99, 7.99, 9.99, 12.50, 14.99, 19.99)):.2f}",
        "queue": str(rng.randint(12, 64)),
        "name": facts.first_name,
    }


def _body(rng: random.Random, grammar: Grammar, mentions: Sequence[Mention], words: Words) -> str:
    text = _clause(rng, grammar, mentions[0], words)
    for before, mention in itertools.pairwise(mentions):
        joiner = grammar["and" if before.positive == mention.positive else "but"]
        text += f"{rng.choice(joiner)} {_clause(rng, grammar, mention, words)}"
    return text + rng.choice(grammar["end+" if mentions[-1].positive else "end-"])


def _clause(rng: random.Random, grammar: Grammar, mention: Mention, words: Words) -> str:
    sign = _sign(mention.positive)
    options = grammar.get(mention.aspect + sign) or grammar[_FALLBACK[mention.aspect] + sign]
    return rng.choice(options).format_map(words)


def _maybe(rng: random.Random, chance: float, options: Sequence[str], words: Words) -> list[str]:
    return [rng.choice(options).format_map(words)] if rng.random() < chance else []


def _comment(rng: random.Random, grammar: Grammar, tone: str, body: str, words: Words) -> str:
    parts = [*_maybe(rng, 0.45, grammar[f"open{tone}"], words), body]
    return " ".join(parts + _maybe(rng, 0.45, grammar[f"close{tone}"], words))


def _review(rng: random.Random, grammar: Grammar, tone: str, body: str, words: Words) -> str:
    parts = _maybe(rng, 0.35, grammar["bought"], words) + _maybe(rng, 0.3, grammar[f"open{tone}"], words)
    return " ".join([*parts, body, *_maybe(rng, 0.6, grammar[f"close{tone}"], words)])


def _ticket(rng: random.Random, grammar: Grammar, tone: str, body: str, words: Words) -> str:
    order = _maybe(rng, 0.5 if words["order_known"] else 0.0, grammar["order_ref"], words)
    ask = rng.choice(grammar["ask"]).format_map(words)
    greeting, signoff = rng.choice(grammar["greet"]), rng.choice(grammar["sign"])
    return f"{greeting}\n\n{' '.join([*order, body, ask])}\n\n{signoff}\n{words['name']}"


def _conversation(hello: str) -> Frame:
    """A chat or call transcript: the agent's greeting, the customer's problem, the reply, a goodbye."""

    def frame(rng: random.Random, grammar: Grammar, tone: str, body: str, words: Words) -> str:
        agent, customer = words["agent"], grammar["customer"][0]
        problem = " ".join([body, *_maybe(rng, 0.6, grammar["ask"], words)])
        return "\n".join(
            [
                f"{agent}: {rng.choice(grammar[hello]).format_map(words)}",
                f"{customer}: {problem}",
                f"{agent}: {rng.choice(grammar['reply' + tone]).format_map(words)}",
                f"{customer}: {rng.choice(grammar['bye' + tone])}",
            ]
        )

    return frame


def _social(rng: random.Random, grammar: Grammar, tone: str, body: str, words: Words) -> str:
    tag = rng.choice(("@NorthwindHome", "@northwindhome", "@NorthwindHelp"))
    parts = [tag, body] if rng.random() < 0.6 else [body, tag]
    return " ".join(parts + _maybe(rng, 0.4, grammar[f"hashtag{tone}"], words))


_FRAMES: dict[str, Frame] = {
    "comment": _comment,
    "review": _review,
    "ticket": _ticket,
    "chat": _conversation("chat_hello"),
    "call": _conversation("call_hello"),
    "social": _social,
}
STYLES = tuple(_FRAMES)
_AN = re.compile(r"\b([Aa]) (?=[aeiouAEIOU]|LED)")
"""English "a" before a vowel sound, to become "an"."""
_SENTENCE_START = re.compile(r"(^|[.!?]\s+|\n|: )([a-zà-ÿ])")


def _sentence_case(text: str) -> str:
    return _SENTENCE_START.sub(lambda match: match.group(1) + match.group(2).upper(), text)


def _sections(block: str) -> Grammar:
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for raw in block.splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        elif line:
            current.extend(part.strip() for part in line.split(" | "))
    return {name: tuple(fragments) for name, fragments in sections.items()}


def _catalogue(rows: str) -> tuple[Product, ...]:
    products = []
    for row in rows.strip().splitlines():
        category, price, quality, en, es, de = (part.strip() for part in row.split("|"))
        products.append(Product({"en": en, "es": es, "de": de}, category, float(price), float(quality)))
    return tuple(products)


_STAFF = _sections(fragments.STAFF)
AGENTS, DRIVERS = _STAFF["agents"], _STAFF["drivers"]
CATALOGUE = _catalogue(fragments.CATALOGUE)
REQUESTS = _sections(fragments.REQUESTS)
"""Planted customer requests (English): per request, the ways customers put it."""
GRAMMARS = {
    "en": _sections(fragments.ENGLISH),
    "es": _sections(fragments.SPANISH),
    "de": _sections(fragments.GERMAN),
}
