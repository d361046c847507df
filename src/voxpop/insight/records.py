"""The records behind a figure: the same filters as the figure's (its `where`, dates, text, and its groups'
keys as filters), and only records that carry the figure's score, so the count equals the figure's n.

`records_link` builds the drill-down address every page links its numbers to."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from voxpop.insight import repository, service
from voxpop.insight.repository import Precedent
from voxpop.insight.service import SliceQuery

EXCERPT = 200
MAX_LIMIT = 500


@dataclass(frozen=True)
class Record:
    id: uuid.UUID
    received_at: datetime
    kind: str
    channel: str
    source: str
    lifecycle_stage: str | None
    touchpoint: str | None
    nps: int | None
    csat: int | None
    ces: int | None
    rating: float | None
    excerpt: str | None
    customer_id: uuid.UUID | None
    customer_name: str | None


@dataclass(frozen=True)
class RecordPage:
    total: int
    limit: int
    offset: int
    items: list[Record]


def excerpt(title: str | None, text: str | None) -> str | None:
    words = " — ".join(part for part in (title, text) if part)
    return words if len(words) <= EXCERPT else words[: EXCERPT - 1].rstrip() + "…"


def _record(row: dict[str, Any], names: bool) -> Record:
    values = {k: v for k, v in row.items() if k not in ("title", "text")}
    if not names:
        values["customer_name"] = None
    return Record(**values, excerpt=excerpt(row["title"], row["text"]))


def records(
    session: Session,
    workspace_id: uuid.UUID,
    query: SliceQuery,
    limit: int = 50,
    offset: int = 0,
    names: bool = False,
) -> RecordPage:
    """One page of the records matching the query, newest first; `query.metric` empty means any record,
    else only records with that score. Customers' names only with `names` (roles that see personal data)."""
    if query.metric:
        service.check_metric(query.metric)
    scope = service.scope_of(session, workspace_id, query)
    total, rows = repository.records(session, scope, query.metric or None, limit, offset)
    return RecordPage(total, limit, offset, [_record(row, names) for row in rows])


def records_link(
    metric: str = "",
    keys: Mapping[str, str | None] | None = None,
    where: Iterable[tuple[str, str | None]] = (),
    since: date | None = None,
    until: date | None = None,
    preceded_by: Precedent | None = None,
) -> str:
    """The records page for a figure: its metric, its filters and its group's keys (None → `missing=`)."""
    pairs = [*where, *(keys or {}).items()]
    params = [("metric", metric)] if metric else []
    params += [("where", f"{name}={value}") for name, value in pairs if value is not None]
    params += [("missing", name) for name, value in pairs if value is None]
    params += [(name, day.isoformat()) for name, day in (("since", since), ("until", until)) if day]
    if preceded_by is not None:
        params += [
            ("preceded_by", f"{preceded_by.field}:{preceded_by.value}"),
            ("within_days", str(preceded_by.days)),
        ]
    return "/records" + (f"?{urlencode(params)}" if params else "")
