"""The fields a figure can be sliced or filtered by, as SQL expressions over the feedback table.

Time buckets are in UTC: day `2025-03-04`, week (starting Monday) `2025-03-03`, month `2025-03`, quarter
`2025-Q1`. `customer.X` is an attribute of the customer, `attributes.X` an attribute of the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, case, cast, func, literal_column
from sqlalchemy.sql.elements import ColumnElement

from voxpop.customer.models import Customer
from voxpop.feedback.models import Feedback
from voxpop.kit.errors import Invalid, Problem

COLUMNS = ("channel", "source", "kind", "lifecycle_stage", "touchpoint", "language")
AT = "feedback.received_at"
# SQLite stores a timestamp as UTC text 'YYYY-MM-DD HH:MM:SS…': day and month are prefixes of it (cheaper than
# strftime). PostgreSQL groups by date_trunc and formats only each group's key (to_char on every row cost ~35 %).
SQLITE_BUCKETS = {
    "day": f"substr({AT}, 1, 10)",
    "week": f"date({AT}, 'weekday 0', '-6 days')",
    "month": f"substr({AT}, 1, 7)",
    "quarter": f"substr({AT}, 1, 4) || '-Q' || ((CAST(substr({AT}, 6, 2) AS INTEGER) + 2) / 3)",
}
POSTGRES_TRUNCATED = {
    period: f"date_trunc('{period}', {AT} AT TIME ZONE 'UTC')"
    for period in ("day", "week", "month", "quarter")
}
POSTGRES_FORMATS = {"day": "YYYY-MM-DD", "week": "YYYY-MM-DD", "month": "YYYY-MM", "quarter": 'YYYY-"Q"Q'}
PREFIXES = ("customer.", "attributes.")
NPS_GROUP = case(
    (Feedback.nps <= 6, "detractor"), (Feedback.nps <= 8, "passive"), (Feedback.nps <= 10, "promoter")
)  # PRODUCT.md's groups; a record without an NPS answer has none


@dataclass(frozen=True)
class Field:
    """A named slice of the data and its SQL expression; `needs_customer` says it reads the customers table."""

    name: str
    expression: ColumnElement[Any]
    needs_customer: bool = False
    grouping: ColumnElement[Any] | None = None  # cheaper to group by; `expression` is a function of it


def field(name: str, dialect: str) -> Field:
    if name in SQLITE_BUCKETS and dialect == "postgresql":
        truncated = POSTGRES_TRUNCATED[name]
        formatted = f"to_char({truncated}, '{POSTGRES_FORMATS[name]}')"
        return Field(name, literal_column(formatted, String), grouping=literal_column(truncated))
    if name in SQLITE_BUCKETS:
        return Field(name, literal_column(SQLITE_BUCKETS[name], String))
    if name in COLUMNS:
        return Field(name, getattr(Feedback, name))
    if name == "nps_group":
        return Field(name, NPS_GROUP)
    for prefix, column, needs_customer in (
        ("customer.", Customer.attributes, True),
        ("attributes.", Feedback.attributes, False),
    ):
        key = name.removeprefix(prefix)
        if name.startswith(prefix) and key:
            return Field(name, _attribute_text(column, _checked_key(name, key), dialect), needs_customer)
    known = ", ".join(
        [*SQLITE_BUCKETS, *COLUMNS, "nps_group", "customer.<attribute>", "attributes.<attribute>"]
    )
    raise Invalid(f"unknown field {name!r}", [Problem(f"use one of: {known}", field=name)])


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
