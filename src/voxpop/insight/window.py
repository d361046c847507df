"""Time windows people pick ("last 30 days", "this quarter") and what a window is compared with.

A preset is kept in the URL as itself (`period=30d`), not as the dates it meant on the day it was chosen, so a
bookmarked view keeps showing the last 30 days. Dates are whole days in UTC; `until` is the last day included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from voxpop.kit import clock
from voxpop.kit.errors import Invalid, Problem

PRESETS: dict[str, str] = {
    "7d": "Last 7 days",
    "30d": "Last 30 days",
    "90d": "Last 90 days",
    "quarter": "This quarter",
    "12m": "Last 12 months",
    "all": "All time",
    "custom": "Custom dates",
}
COMPARISONS: dict[str, str] = {
    "previous": "the period before",
    "year": "the same period a year earlier",
    "none": "nothing",
}
Comparison = Literal["previous", "year", "none"]
_DAYS = {"7d": 7, "30d": 30, "90d": 90}


@dataclass(frozen=True)
class Window:
    """The days a view covers (`since`/`until` None: open on that side) and the preset that chose them."""

    since: date | None
    until: date | None
    period: str = "custom"

    @property
    def days(self) -> int | None:
        if self.since is None or self.until is None:
            return None
        return (self.until - self.since).days + 1

    def compared_with(self, comparison: str) -> Window | None:
        """The window this one is compared with; None when there is none (no comparison, or an open end)."""
        if comparison == "none" or self.since is None or self.until is None:
            return None
        if comparison == "year":
            return Window(_year_before(self.since), _year_before(self.until))
        length = timedelta(days=(self.until - self.since).days + 1)
        return Window(self.since - length, self.until - length)


def today() -> date:
    return clock.now().date()


def resolve(period: str | None, since: date | None, until: date | None, on: date | None = None) -> Window:
    """The window of a preset on day `on` (today by default); explicit dates make a custom window."""
    chosen = (period or "").strip() or ("custom" if since or until else "all")
    if chosen not in PRESETS:
        known = ", ".join(PRESETS)
        raise Invalid("unknown period", [Problem(f"{chosen!r} is not one of {known}", field="period")])
    if since and until and since > until:
        raise Invalid("the period is empty", [Problem("the first day is after the last", field="since")])
    last = on or today()
    if chosen == "custom":
        return Window(since, until, "custom")
    if chosen == "all":
        return Window(None, None, "all")
    if chosen == "quarter":
        return Window(date(last.year, 3 * ((last.month - 1) // 3) + 1, 1), last, "quarter")
    if chosen == "12m":
        return Window(_year_before(last) + timedelta(days=1), last, "12m")
    return Window(last - timedelta(days=_DAYS[chosen] - 1), last, chosen)


def check_comparison(value: str | None) -> Comparison:
    chosen = (value or "").strip() or "previous"
    if chosen not in COMPARISONS:
        known = ", ".join(COMPARISONS)
        raise Invalid("unknown comparison", [Problem(f"{chosen!r} is not one of {known}", field="compare")])
    return chosen  # type: ignore[return-value]


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
