"""The analytics filters: which records a figure, page, export, drill-down or search covers. The same
parameters (`where`, `missing`, `period`, `since`, `until`, `compare`, `text`, `preceded_by`) everywhere, parsed
once here for the API, the pages and the CLI. A period preset (`period=30d`) is resolved to its days here, on
each request (`insight/window.py`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Annotated

from fastapi import Depends, Query

from voxpop.insight.repository import Precedent
from voxpop.insight.service import SliceQuery
from voxpop.insight.window import Comparison, Window, check_comparison, resolve
from voxpop.kit.errors import Invalid, Problem


def parse_where(conditions: list[str]) -> tuple[tuple[str, str], ...]:
    pairs = []
    for condition in conditions:
        name, sign, value = condition.partition("=")
        if not sign or not name.strip():
            raise Invalid("malformed filter", [Problem(f"{condition!r} is not FIELD=VALUE", field="where")])
        pairs.append((name.strip(), value))
    return tuple(pairs)


def parse_filters(where: list[str], missing: list[str]) -> tuple[tuple[str, str | None], ...]:
    """`where` FIELD=VALUE conditions, and `missing` FIELD names meaning "has no value"."""
    for name in missing:
        if not name.strip():
            raise Invalid("malformed filter", [Problem("name the field that has no value", field="missing")])
    return (*parse_where(where), *((name.strip(), None) for name in missing))


@dataclass(frozen=True)
class Filters:
    """Which records: the same parameters on every figure, page, export and drill-down."""

    where: tuple[tuple[str, str | None], ...] = ()
    since: date | None = None
    until: date | None = None
    text: str | None = None
    preceded_by: Precedent | None = None
    period: str = "all"
    """The preset that chose `since`/`until` (`custom` for typed dates), kept so links keep the preset."""
    compare: Comparison = "previous"
    """What the window is compared with, where a page compares: `previous`, `year` or `none`."""

    @property
    def window(self) -> Window:
        return Window(self.since, self.until, self.period)

    def compared(self) -> Filters | None:
        """The same filters over the comparison window, or None when there is nothing to compare with."""
        other = self.window.compared_with(self.compare)
        if other is None:
            return None
        return replace(self, since=other.since, until=other.until, period="custom")

    def query(self, metric: str, by: tuple[str, ...] = ()) -> SliceQuery:
        return SliceQuery(metric, by, self.where, self.since, self.until, self.text, self.preceded_by)

    def where_text(self) -> list[str]:
        """The FIELD=VALUE conditions as the filter form shows them (a "missing" one is a hidden field)."""
        return [f"{name}={value}" for name, value in self.where if value is not None]

    def narrows(self) -> bool:
        """Whether any filter is set: without one, every record of the workspace is in."""
        return replace(self, compare="previous") != Filters()


def filters(
    where: Annotated[
        list[str], Query(description="Filters FIELD=VALUE; repeat a field to match any of its values")
    ] = [],  # noqa: B006
    missing: Annotated[list[str], Query(description="Fields that must have no value")] = [],  # noqa: B006
    period: Annotated[
        str | None,
        Query(
            description="A window relative to today: 7d, 30d, 90d, quarter, 12m, all, or custom (since/until)"
        ),
    ] = None,
    since: Annotated[str | None, Query(description="First day, YYYY-MM-DD")] = None,
    until: Annotated[str | None, Query(description="Last day, YYYY-MM-DD")] = None,
    compare: Annotated[
        str | None, Query(description="What a page compares the window with: previous, year or none")
    ] = None,
    text: str | None = None,
    preceded_by: Annotated[
        str | None,
        Query(
            max_length=300,
            description="Only records whose customer had this journey event before: type:NAME or "
            "touchpoint:NAME",
        ),
    ] = None,
    within_days: Annotated[int, Query(description="How many days before the record (with preceded_by)")] = 30,
) -> Filters:
    """Blank values (a form's empty fields) mean no filter."""
    conditions = parse_filters([w for w in where if w.strip()], missing)
    precedent = _precedent(preceded_by, within_days) if preceded_by and preceded_by.strip() else None
    window = resolve(period, parse_day("since", since), parse_day("until", until))
    return Filters(
        conditions,
        window.since,
        window.until,
        text or None,
        precedent,
        window.period,
        check_comparison(compare),
    )


def _precedent(preceded_by: str, within_days: int) -> Precedent:
    """`type:ticket_closed` → the event field and value; `service.scope_of` checks both and the days."""
    field, _, value = preceded_by.strip().partition(":")
    return Precedent(field.strip(), value.strip(), within_days)


def parse_day(name: str, value: str | None) -> date | None:
    """A form's or address's day (YYYY-MM-DD; blank for none), refused naming the field when malformed."""
    if not value or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(f"{name} is not a date", [Problem("use YYYY-MM-DD", field=name)]) from None


FiltersDep = Annotated[Filters, Depends(filters)]
