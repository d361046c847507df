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
SQLITE_BUCKETS = {
    "day": f"strftime('%Y-%m-%d', {AT})",
    "week": f"date({AT}, 'weekday 0', '-6 days')",
    "month": f"strftime('%Y-%m', {AT})",
    "quarter": f"strftime('%Y', {AT}) || '-Q' || ((CAST(strftime('%m', {AT}) AS INTEGER) + 2) / 3)",
}
POSTGRES_BUCKETS = {
    "day": f"to_char({AT} AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
    "week": f"to_char(date_trunc('week', {AT} AT TIME ZONE 'UTC'), 'YYYY-MM-DD')",
    "month": f"to_char({AT} AT TIME ZONE 'UTC', 'YYYY-MM')",
    "quarter": f"to_char({AT} AT TIME ZONE 'UTC', 'YYYY-\"Q\"Q')",
}
PREFIXES = ("customer.", "attributes.")


@dataclass(frozen=True)
class Field:
    """A named slice of the data and its SQL expression; `needs_customer` says it reads the customers table."""

    name: str
    expression: ColumnElement[Any]
    needs_customer: bool = False


def field(name: str, dialect: str) -> Field:
    if name in SQLITE_BUCKETS:
        buckets = POSTGRES_BUCKETS if dialect == "postgresql" else SQLITE_BUCKETS
        return Field(name, literal_column(buckets[name], String))
    if name in COLUMNS:
        return Field(name, getattr(Feedback, name))
    for prefix, column, needs_customer in (
        ("customer.", Customer.attributes, True),
        ("attributes.", Feedback.attributes, False),
    ):
        key = name.removeprefix(prefix)
        if name.startswith(prefix) and key:
            return Field(name, _attribute_text(column, _checked_key(name, key), dialect), needs_customer)
    known = ", ".join([*SQLITE_BUCKETS, *COLUMNS, "customer.<attribute>", "attributes.<attribute>"])
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
    path = f'$."{key}"'
    return case(
        (func.json_type(column, path) == "true", "true"),
        (func.json_type(column, path) == "false", "false"),
        else_=cast(func.json_extract(column, path), String),
    )
