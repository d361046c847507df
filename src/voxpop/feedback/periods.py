"""The periods a record was received in, as SQL over `feedback.received_at`, in UTC: day `2025-03-04`, week
(starting Monday) `2025-03-03`, month `2025-03`, quarter `2025-Q1`. Dashboards group by them and theme trends
count by month; PostgreSQL keeps statistics on exactly these expressions (migration 0017)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, literal_column
from sqlalchemy.sql.elements import ColumnElement

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
PERIODS = tuple(SQLITE_BUCKETS)


def received(period: str, dialect: str) -> tuple[ColumnElement[Any], ColumnElement[Any] | None]:
    """The period's label (text), and on PostgreSQL the cheaper expression to group by, of which the label is
    a function (None on SQLite, which groups by the label itself)."""
    if dialect == "postgresql":
        truncated = POSTGRES_TRUNCATED[period]
        formatted = f"to_char({truncated}, '{POSTGRES_FORMATS[period]}')"
        return literal_column(formatted, String), literal_column(truncated)
    return literal_column(SQLITE_BUCKETS[period], String), None
