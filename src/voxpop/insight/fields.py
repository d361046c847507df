"""The fields a figure can be sliced or filtered by, as SQL expressions over the feedback table.

Time buckets are in UTC: day `2025-03-04`, week (starting Monday) `2025-03-03`, month `2025-03`, quarter
`2025-Q1`. `customer.X` is an attribute of the customer, `attributes.X` an attribute of the record.
`sentiment` is the record's sentiment label from text analytics (negative, neutral, positive; none without an
analysed text). `theme` is a top-level theme the record's text mentions, by name: a filter on a theme also
matches its sub-themes (or names a sub-theme alone), and grouping by theme puts a record in every theme it
mentions, once each, so the groups' n add up to more than the records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, Subquery, case, cast, exists, func, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from voxpop.customer.models import Customer
from voxpop.feedback import periods
from voxpop.feedback.models import Feedback
from voxpop.kit.errors import Invalid, Problem
from voxpop.text.models import TextAnalysis, TextSentence, Theme

COLUMNS = ("channel", "source", "kind", "lifecycle_stage", "touchpoint", "language")
CUSTOMER_PREFIX = "customer."
NPS_GROUP = case(
    (Feedback.nps <= 6, "detractor"), (Feedback.nps <= 8, "passive"), (Feedback.nps <= 10, "promoter")
)  # docs/metrics.md's groups; a record without an NPS answer has none
SENTIMENT = (
    select(TextAnalysis.sentiment_label).where(TextAnalysis.feedback_id == Feedback.id).scalar_subquery()
)
_PARENT = aliased(Theme)
THEME_MENTIONS = (
    select(
        TextSentence.feedback_id,
        TextSentence.workspace_id,
        func.coalesce(_PARENT.name, Theme.name).label("theme"),
    )
    .join(Theme, Theme.id == TextSentence.theme_id)
    .outerjoin(_PARENT, _PARENT.id == Theme.parent_id)
    .distinct()
    .subquery("theme_mentions")
)  # (record, top-level theme name): joined on the record and the workspace wherever a figure groups by theme


@dataclass(frozen=True)
class Field:
    """A named slice of the data and its SQL expression; `needs_customer` says it reads the customers table."""

    name: str
    expression: ColumnElement[Any]
    needs_customer: bool = False
    grouping: ColumnElement[Any] | None = None  # cheaper to group by; `expression` is a function of it
    joined: Subquery | None = None  # many values per record: grouping joins this (feedback_id, workspace_id)
    matcher: Callable[[str | None], ColumnElement[bool]] | None = None  # the filter, when not `expression ==`


def field(name: str, dialect: str) -> Field:
    if name in periods.PERIODS:
        expression, grouping = periods.received(name, dialect)
        return Field(name, expression, grouping=grouping)
    if name in COLUMNS:
        return Field(name, getattr(Feedback, name))
    if name == "nps_group":
        return Field(name, NPS_GROUP)
    if name == "sentiment":
        return Field(name, SENTIMENT)
    if name == "theme":
        return Field(name, THEME_MENTIONS.c.theme, joined=THEME_MENTIONS, matcher=_mentions)
    for prefix, column, needs_customer in (
        (CUSTOMER_PREFIX, Customer.attributes, True),
        ("attributes.", Feedback.attributes, False),
    ):
        key = name.removeprefix(prefix)
        if name.startswith(prefix) and key:
            return Field(name, _attribute_text(column, _checked_key(name, key), dialect), needs_customer)
    known = ", ".join(
        [
            *periods.PERIODS,
            *COLUMNS,
            "nps_group",
            "sentiment",
            "theme",
            "customer.<attribute>",
            "attributes.<attribute>",
        ]
    )
    raise Invalid(f"unknown field {name!r}", [Problem(f"use one of: {known}", field=name)])


def _mentions(theme: str | None) -> ColumnElement[bool]:
    """Records with a sentence in the theme named (or one of its sub-themes); None: records in no theme."""
    sentences = select(TextSentence.id).where(TextSentence.feedback_id == Feedback.id)
    if theme is None:
        return ~exists(sentences.where(TextSentence.theme_id.is_not(None)))
    named = (
        sentences.join(Theme, Theme.id == TextSentence.theme_id)
        .outerjoin(_PARENT, _PARENT.id == Theme.parent_id)
        .where(or_(Theme.name == theme, _PARENT.name == theme))
    )
    return exists(named)


def _checked_key(name: str, key: str) -> str:
    if any(char in key for char in '"\\[]$'):
        raise Invalid(
            f"unusable field {name!r}", [Problem('an attribute name may not hold " \\ [ ] or $', field=name)]
        )
    return key


def _attribute_text(column: Any, key: str, dialect: str) -> ColumnElement[Any]:
    """An attribute as text, the same on both stores: JSON true/false read as 'true'/'false' (SQLite's
    json_extract would give 1/0), numbers and strings as their text."""
    if dialect == "postgresql":
        return column[key].as_string()  # type: ignore[no-any-return]
    path = f'$."{key}"'  # json_type read once per row: a simple CASE evaluates its operand once
    return case(
        {"true": "true", "false": "false"},
        value=func.json_type(column, path),
        else_=cast(func.json_extract(column, path), String),
    )
