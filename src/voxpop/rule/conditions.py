"""Conditions compiled to plain Python checks, so one batch of records is loaded once and every rule is tested
against it in memory. Each check carries a label, which is how a match explains itself."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from voxpop.insight.models import Insight
from voxpop.rule.schemas import FeedbackConditions, InsightConditions, Keywords, Range, ValueTest

SCORES = ("nps", "csat", "ces", "rating")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Facts:
    """One feedback record as rules see it: its fields, its customer's attributes and its text analysis."""

    id: uuid.UUID
    received_at: datetime
    created_at: datetime
    channel: str
    source: str
    lifecycle_stage: str | None
    touchpoint: str | None
    title: str | None
    text: str | None
    scores: Mapping[str, float | None]
    attributes: Mapping[str, Any]
    customer: Mapping[str, Any]
    sentiment_label: str | None
    sentiment_score: float | None
    themes: frozenset[uuid.UUID]
    signals: frozenset[str]
    """Each signal as its kind (`urgency`) and as kind.detail (`urgency.legal`)."""


@dataclass(frozen=True, slots=True)
class Check(Generic[T]):
    label: str
    holds: Callable[[T], bool]


def failing(checks: Sequence[Check[Any]], subject: Any) -> bool:
    return not all(check.holds(subject) for check in checks)


def feedback_checks(
    conditions: FeedbackConditions, theme_names: Mapping[uuid.UUID, str]
) -> list[Check[Facts]]:
    checks: list[Check[Facts]] = [
        _score_check(name, bounds) for name in SCORES if (bounds := getattr(conditions, name)) is not None
    ]
    if conditions.sentiment is not None:
        checks.extend(_sentiment_checks(conditions.sentiment.labels, conditions.sentiment))
    if conditions.themes:
        wanted = frozenset(conditions.themes)
        names = ", ".join(theme_names.get(t, str(t)) for t in conditions.themes)
        checks.append(Check(f"theme: {names}", lambda f: not wanted.isdisjoint(f.themes)))
    if conditions.signals:
        signals = frozenset(conditions.signals)
        checks.append(
            Check(f"signal: {', '.join(conditions.signals)}", lambda f: not signals.isdisjoint(f.signals))
        )
    checks.extend(_field_checks(conditions))
    checks.extend(_value_check("customer", test, lambda f: f.customer) for test in conditions.customer)
    checks.extend(_value_check("attribute", test, lambda f: f.attributes) for test in conditions.attributes)
    if conditions.keywords is not None:
        checks.extend(_keyword_checks(conditions.keywords))
    return checks


def _within(bounds: Range, value: float | None) -> bool:
    return (
        value is not None
        and (bounds.min is None or value >= bounds.min)
        and (bounds.max is None or value <= bounds.max)
    )


def _describe(bounds: Range) -> str:
    if bounds.min is not None and bounds.max is not None:
        return f"{bounds.min:g}–{bounds.max:g}"
    return f"≥ {bounds.min:g}" if bounds.min is not None else f"≤ {bounds.max:g}"


def _score_check(name: str, bounds: Range) -> Check[Facts]:
    return Check(f"{name} {_describe(bounds)}", lambda f: _within(bounds, f.scores[name]))


def _sentiment_checks(labels: Sequence[str], bounds: Range) -> list[Check[Facts]]:
    checks: list[Check[Facts]] = []
    if labels:
        wanted = frozenset(labels)
        checks.append(Check(f"sentiment: {', '.join(labels)}", lambda f: f.sentiment_label in wanted))
    if bounds.min is not None or bounds.max is not None:
        checks.append(
            Check(f"sentiment score {_describe(bounds)}", lambda f: _within(bounds, f.sentiment_score))
        )
    return checks


def _field_checks(conditions: FeedbackConditions) -> list[Check[Facts]]:
    fields: list[tuple[str, Sequence[str], Callable[[Facts], str | None]]] = [
        ("channel", conditions.channels, lambda f: f.channel),
        ("source", conditions.sources, lambda f: f.source),
        ("survey", [f"survey:{slug}" for slug in conditions.surveys], lambda f: f.source),
        ("lifecycle stage", conditions.lifecycle_stages, lambda f: f.lifecycle_stage),
        ("touchpoint", conditions.touchpoints, lambda f: f.touchpoint),
    ]
    return [_one_of(label, values, read) for label, values, read in fields if values]


def _one_of(label: str, values: Sequence[str], read: Callable[[Facts], str | None]) -> Check[Facts]:
    wanted = frozenset(values)
    shown = ", ".join(v.removeprefix("survey:") for v in values)
    return Check(f"{label}: {shown}", lambda f: (read(f) or "").lower() in wanted)


def comparable(value: Any) -> str | float | None:
    """Attribute values compared loosely: numbers (also written as text) as numbers, text case-insensitively."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().casefold()
    try:
        return float(text)
    except ValueError:
        return text


def _value_check(owner: str, test: ValueTest, read: Callable[[Facts], Mapping[str, Any]]) -> Check[Facts]:
    key = test.key
    if test.equals is not None:
        expected = comparable(test.equals)
        return Check(f"{owner} {key} = {test.equals}", lambda f: comparable(read(f).get(key)) == expected)
    if test.in_ is not None:
        allowed = frozenset(comparable(v) for v in test.in_)
        shown = ", ".join(str(v) for v in test.in_)
        return Check(f"{owner} {key} in {shown}", lambda f: comparable(read(f).get(key)) in allowed)
    bounds = Range(min=test.min, max=test.max)
    return Check(f"{owner} {key} {_describe(bounds)}", lambda f: _numeric_within(bounds, read(f).get(key)))


def _numeric_within(bounds: Range, value: Any) -> bool:
    number = comparable(value)
    return isinstance(number, float) and _within(bounds, number)


def _words(words: Sequence[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(" ".join(w.split())).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _written(facts: Facts) -> str:
    return f"{facts.title or ''}\n{facts.text or ''}"


def _keyword_checks(keywords: Keywords) -> list[Check[Facts]]:
    checks: list[Check[Facts]] = []
    if keywords.any:
        pattern = _words(keywords.any)
        label = f"words, any of: {', '.join(keywords.any)}"
        checks.append(Check(label, lambda f: pattern.search(_written(f)) is not None))
    if keywords.all:
        patterns = [_words([word]) for word in keywords.all]
        label = f"words, all of: {', '.join(keywords.all)}"
        checks.append(Check(label, lambda f: all(p.search(_written(f)) for p in patterns)))
    return checks


def insight_checks(conditions: InsightConditions) -> list[Check[Insight]]:
    checks: list[Check[Insight]] = []
    if conditions.kinds:
        kinds = frozenset(conditions.kinds)
        checks.append(Check(f"kind: {', '.join(conditions.kinds)}", lambda i: i.kind in kinds))
    if conditions.metrics:
        metrics = frozenset(m.lower() for m in conditions.metrics)
        checks.append(
            Check(f"metric: {', '.join(conditions.metrics)}", lambda i: (i.metric or "") in metrics)
        )
    checks.extend(_where_check(key, values) for key, values in conditions.where.items())
    return checks


def _where_check(key: str, values: Sequence[str]) -> Check[Insight]:
    allowed = frozenset(comparable(v) for v in values)
    return Check(
        f"where {key}: {', '.join(values)}", lambda i: comparable((i.segment or {}).get(key)) in allowed
    )
