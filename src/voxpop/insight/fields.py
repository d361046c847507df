"""The fields a figure can be sliced or filtered by, as SQL expressions over the feedback table.

Time buckets are in UTC: day `2025-03-04`, week (starting Monday) `2025-03-03`, month `2025-03`, quarter
`2025-Q1`. `customer.X` is an attribute of the customer, `attributes.X` an attribute of the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, literal_column
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
    if name.startswith("customer.") and len(name) > len("customer."):
        return Field(
            name, Customer.attributes[name.removeprefix("customer.")].as_string(), needs_customer=True
        )
    if name.startswith("attributes.") and len(name) > len("attributes."):
        return Field(name, Feedback.attributes[name.removeprefix("attributes.")].as_string())
    known = ", ".join([*SQLITE_BUCKETS, *COLUMNS, "customer.<attribute>", "attributes.<attribute>"])
    raise Invalid(f"unknown field {name!r}", [Problem(f"use one of: {known}", field=name)])
