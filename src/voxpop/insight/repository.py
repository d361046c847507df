"""Aggregate queries: each figure's counts and sums, computed by the database, per group."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Select, case, func, or_, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from voxpop.customer.models import ATTRIBUTE_INDEX_MAX, Customer, CustomerAttributeValue
from voxpop.feedback.models import Feedback
from voxpop.insight.fields import CUSTOMER_PREFIX, Field
from voxpop.insight.models import Insight
from voxpop.journey.models import JourneyEvent
from voxpop.text.models import TextSentence, Theme


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    """`count(*) FILTER (WHERE …)`: cheaper per record than summing a CASE on PostgreSQL, and 0, not NULL,
    over no records."""
    return func.count().filter(condition)


def _sum(column: Any) -> ColumnElement[Any]:
    return func.coalesce(func.sum(column), 0)


def _rating_star(star: int) -> ColumnElement[bool]:
    return (Feedback.rating >= star - 0.5) & (Feedback.rating < star + 0.5)


METRIC_SCORE: dict[str, Any] = {
    "nps": Feedback.nps,
    "csat": Feedback.csat,
    "ces": Feedback.ces,
    "rating": Feedback.rating,
}
METRIC_SUMS: dict[str, dict[str, ColumnElement[Any]]] = {
    "nps": {
        "n": func.count(Feedback.nps),
        "promoters": _count_if(Feedback.nps >= 9),
        "detractors": _count_if(Feedback.nps <= 6),
    },
    "csat": {"n": func.count(Feedback.csat), "satisfied": _count_if(Feedback.csat >= 4)},
    "ces": {
        "n": func.count(Feedback.ces),
        "total": _sum(Feedback.ces),
        "squares": _sum(Feedback.ces * Feedback.ces),
        "agree": _count_if(Feedback.ces >= 5),
    },
    "rating": {
        "n": func.count(Feedback.rating),
        "total": _sum(Feedback.rating),
        "squares": _sum(Feedback.rating * Feedback.rating),
        **{f"stars_{k}": _count_if(_rating_star(k)) for k in range(1, 6)},
    },
}


@dataclass(frozen=True)
class Precedent:
    """Records whose customer had a journey event with `field` (type or touchpoint) equal to `value` in the
    `days` before the record: the drill-down behind the journey view's precursors."""

    field: str
    value: str
    days: int


@dataclass(frozen=True)
class Scope:
    """Which records a figure covers: the workspace, filters on fields, a time window and a text search.
    Filters on different fields must all hold; several on one field match any of its values, and a value
    of None matches records without one."""

    workspace_id: uuid.UUID
    filters: tuple[tuple[Field, str | None], ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    text: str | None = None
    preceded_by: Precedent | None = None


def _matches(filter_field: Field, values: list[str | None]) -> ColumnElement[bool]:
    if filter_field.matcher is not None:
        return or_(*(filter_field.matcher(value) for value in values))
    conditions = [filter_field.expression == value for value in values if value is not None]
    if None in values:
        conditions.append(filter_field.expression.is_(None))
    return or_(*conditions)


def _needs_customer(scope: Scope, fields: list[Field]) -> bool:
    return any(f.needs_customer for f in fields) or any(f.needs_customer for f, _ in scope.filters)


def _aggregate(session: Session, query: Select[Any], scope: Scope, fields: list[Field]) -> list[Any]:
    """Run an aggregate over many records. On PostgreSQL without JIT compilation: it cost about 100 ms of a
    1 s dashboard query at 10M records and saved less (docs/benchmarks.md). And PostgreSQL has no statistics
    on a customer attribute read from the JSON, guesses that 0.5 % of customers match and plans a nested
    loop that probes feedback once per customer; such queries run with nested loops off, so as a hash join
    (about 3× faster at 1M records)."""
    if session.get_bind().dialect.name != "postgresql":
        return list(session.execute(query))
    hashed = _needs_customer(scope, fields)
    settings = ["jit = off", *(["enable_nestloop = off"] if hashed else [])]
    for setting in settings:  # SET LOCAL: a failed query ends it with its transaction
        session.execute(text(f"SET LOCAL {setting}"))
    rows = list(session.execute(query))
    for setting in settings:
        session.execute(text(f"SET LOCAL {setting.split(' = ')[0]} = DEFAULT"))
    return rows


def _customers_as_subquery(scope: Scope, fields: list[Field]) -> bool:
    """Filters on customer attributes, when nothing groups by one and none asks for "no value", select the
    matching customers once (`customer_id IN (…)`) instead of joining every record to its customer: SQLite
    then reads each customer's JSON once, not once per record (docs/benchmarks.md)."""
    customer_values = [value for f, value in scope.filters if f.needs_customer]
    return bool(customer_values) and None not in customer_values and not any(f.needs_customer for f in fields)


def _scoped(query: Select[Any], scope: Scope, fields: list[Field]) -> Select[Any]:
    query = query.select_from(Feedback).where(Feedback.workspace_id == scope.workspace_id)
    subquery = _customers_as_subquery(scope, fields)
    if _needs_customer(scope, fields) and not subquery:
        query = query.outerjoin(
            Customer, (Customer.id == Feedback.customer_id) & (Customer.workspace_id == scope.workspace_id)
        )
    by_name: dict[str, tuple[Field, list[str | None]]] = {}
    for filter_field, value in scope.filters:
        by_name.setdefault(filter_field.name, (filter_field, []))[1].append(value)
    on_customers = []
    for filter_field, values in by_name.values():
        if subquery and filter_field.needs_customer and _indexed(filter_field, values):
            query = query.where(unselective(_customers_with(scope.workspace_id, filter_field, values)))
        elif subquery and filter_field.needs_customer:
            on_customers.append(_matches(filter_field, values))
        else:
            query = query.where(_matches(filter_field, values))
    if on_customers:
        matching = select(Customer.id).where(Customer.workspace_id == scope.workspace_id, *on_customers)
        query = query.where(unselective(Feedback.customer_id.in_(matching)))
    if scope.since is not None:
        query = query.where(Feedback.received_at >= scope.since)
    if scope.until is not None:
        query = query.where(Feedback.received_at < scope.until)
    if scope.text:
        query = query.where(Feedback.text.icontains(scope.text, autoescape=True))
    if scope.preceded_by is not None:
        query = query.where(_preceded_by(scope.workspace_id, scope.preceded_by))
    return query


def scoped_ids(scope: Scope) -> Select[tuple[uuid.UUID]]:
    """The ids of the records in `scope`: the analytics filters, to narrow another query (a search) to them."""
    return _scoped(select(Feedback.id), scope, [f for f, _ in scope.filters])


def _indexed(customer_field: Field, values: list[str | None]) -> bool:
    """Whether the customer attribute index holds every customer this filter matches: it leaves out only
    over-long keys and values, which no filter naming a short one can match."""
    key = customer_field.name.removeprefix(CUSTOMER_PREFIX)
    texts = [key, *(value for value in values if value is not None)]
    return all(len(text) <= ATTRIBUTE_INDEX_MAX for text in texts)


def _customers_with(workspace_id: uuid.UUID, customer_field: Field, values: list[str | None]) -> Any:
    """`customer_id IN` the customers whose attribute has one of the values, from the attribute index."""
    indexed = CustomerAttributeValue
    matching = select(indexed.customer_id).where(
        indexed.workspace_id == workspace_id,
        indexed.key == customer_field.name.removeprefix(CUSTOMER_PREFIX),
        indexed.value.in_(values),
    )
    return Feedback.customer_id.in_(matching)


class unselective(FunctionElement[bool]):  # noqa: N801  (a SQL function, named like one)
    """A condition that most records pass. SQLite would otherwise read `customer_id IN (…)` through the
    customer index, one lookup per record of every matching customer, instead of the dashboards' covering
    (channel, time) index, which is much slower when many customers match (docs/benchmarks.md)."""

    inherit_cache = True
    type = Boolean()


@compiles(unselective)
def _unselective(element: unselective, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(next(iter(element.clauses)), **kw)


@compiles(unselective, "sqlite")
def _unselective_sqlite(element: unselective, compiler: SQLCompiler, **kw: Any) -> str:
    return f"likelihood({compiler.process(next(iter(element.clauses)), **kw)}, 0.9)"


class days_before(FunctionElement[datetime]):  # noqa: N801  (a SQL function, named like one)
    """`timestamp` minus `days` whole days, in each store's own date arithmetic."""

    inherit_cache = True


@compiles(days_before, "postgresql")
def _days_before_postgres(element: days_before, compiler: SQLCompiler, **kw: Any) -> str:
    timestamp, days = list(element.clauses)
    return f"({compiler.process(timestamp, **kw)} - make_interval(0, 0, 0, {compiler.process(days, **kw)}))"


@compiles(days_before, "sqlite")
def _days_before_sqlite(element: days_before, compiler: SQLCompiler, **kw: Any) -> str:
    timestamp, days = list(element.clauses)
    return f"datetime({compiler.process(timestamp, **kw)}, '-' || {compiler.process(days, **kw)} || ' days')"


def _preceded_by(workspace_id: uuid.UUID, precedent: Precedent) -> ColumnElement[bool]:
    return (
        select(JourneyEvent.id)
        .where(
            JourneyEvent.workspace_id == workspace_id,
            JourneyEvent.customer_id == Feedback.customer_id,
            getattr(JourneyEvent, precedent.field) == precedent.value,
            JourneyEvent.occurred_at <= Feedback.received_at,
            JourneyEvent.occurred_at >= days_before(Feedback.received_at, precedent.days),
        )
        .exists()
    )


def metric_sums(session: Session, metric: str, scope: Scope, group_by: list[Field]) -> list[dict[str, Any]]:
    """One row per group: the group's keys (g0, g1, …) and the sums the metric's definition needs."""
    keys = [f.expression.label(f"g{i}") for i, f in enumerate(group_by)]
    sums = [column.label(name) for name, column in METRIC_SUMS[metric].items()]
    query = _scoped(select(*keys, *sums), scope, group_by).where(METRIC_SCORE[metric].is_not(None))
    for joined in dict.fromkeys(f.joined for f in group_by if f.joined is not None):
        on_record = (joined.c.feedback_id == Feedback.id) & (joined.c.workspace_id == scope.workspace_id)
        query = query.join(joined, on_record)
    if keys:
        labels = [key.name for key in keys]
        query = query.group_by(*_groupings(group_by))
        query = query.order_by(*labels)
    return [dict(row._mapping) for row in _aggregate(session, query, scope, group_by)]


def _groupings(fields: list[Field]) -> list[Any]:
    return [f.grouping if f.grouping is not None else f"g{i}" for i, f in enumerate(fields)]


def overview_cells(
    session: Session, scope: Scope, channel: Field, month: Field
) -> list[tuple[str, str, int, dict[str, dict[str, Any]]]]:
    """One row per (channel, month) of the scope: the record count and every metric's sums. Every sum is
    additive, so the dashboard's volumes by channel, by month and its headline figures all come from this
    one pass over the records instead of three."""
    sums = [
        column.label(f"{metric}__{name}")
        for metric, columns in METRIC_SUMS.items()
        for name, column in columns.items()
    ]
    keys = [channel.expression.label("g0"), month.expression.label("g1")]
    query = _scoped(select(*keys, func.count().label("n"), *sums), scope, [channel, month])
    query = query.group_by(*_groupings([channel, month]))
    cells = []
    for row in _aggregate(session, query, scope, [channel, month]):
        found: dict[str, dict[str, Any]] = {metric: {} for metric in METRIC_SUMS}
        for label, value in row._mapping.items():
            if "__" in str(label):
                metric, name = str(label).split("__")
                found[metric][name] = value
        cells.append((row.g0, row.g1, int(row.n), found))
    return cells


def precursor_counts(
    session: Session, workspace_id: uuid.UUID, days: int, by: str
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """For each event type (or touchpoint): how many detractor and promoter answers it preceded, the same
    customer, within `days` before the answer; and how many detractor and promoter answers there are."""
    window_start = days_before(Feedback.received_at, days)
    key = getattr(JourneyEvent, by).label("key")
    detractor_ids = case((Feedback.nps <= 6, Feedback.id))
    promoter_ids = case((Feedback.nps >= 9, Feedback.id))
    query = (
        select(
            key,
            func.count(func.distinct(detractor_ids)).label("detractors"),
            func.count(func.distinct(promoter_ids)).label("promoters"),
        )
        .join(
            JourneyEvent,
            (JourneyEvent.customer_id == Feedback.customer_id) & (JourneyEvent.workspace_id == workspace_id),
        )
        .where(Feedback.workspace_id == workspace_id, Feedback.nps.is_not(None))
        .where(JourneyEvent.occurred_at <= Feedback.received_at, JourneyEvent.occurred_at >= window_start)
        .where(key.is_not(None))
        .group_by("key")
        .order_by("key")
    )
    rows = [dict(row._mapping) for row in session.execute(query)]
    totals = session.execute(
        select(
            _count_if(Feedback.nps <= 6).label("detractors"), _count_if(Feedback.nps >= 9).label("promoters")
        ).where(Feedback.workspace_id == workspace_id, Feedback.customer_id.is_not(None))
    ).one()
    return rows, {"detractors": int(totals.detractors), "promoters": int(totals.promoters)}


def insight_by_subject(session: Session, workspace_id: uuid.UUID, kind: str, subject: str) -> Insight | None:
    return session.scalars(
        select(Insight).where(
            Insight.workspace_id == workspace_id, Insight.kind == kind, Insight.subject == subject
        )
    ).first()


def add_insight(session: Session, insight: Insight) -> Insight:
    session.add(insight)
    session.flush()
    return insight


def recent_insights(session: Session, workspace_id: uuid.UUID, limit: int = 100) -> list[Insight]:
    return list(
        session.scalars(
            select(Insight)
            .where(Insight.workspace_id == workspace_id)
            .order_by(Insight.since.desc(), Insight.detected_at.desc())
            .limit(limit)
        )
    )


def values_of(
    session: Session, scope: Scope, outcome: str | Field, fields: list[Field], limit: int
) -> list[tuple[Any, ...]]:
    """Per record (newest first): the outcome (a metric's score, or a field) and each field's raw value,
    for analyses done in Python."""
    target = METRIC_SCORE[outcome] if isinstance(outcome, str) else outcome.expression
    used = fields if isinstance(outcome, str) else [outcome, *fields]
    query = select(target, *[f.expression for f in fields])
    query = (
        _scoped(query, scope, used)
        .where(target.is_not(None))
        .order_by(Feedback.received_at.desc())
        .limit(limit)
    )
    return [tuple(row) for row in session.execute(query)]


def recent_attributes(session: Session, workspace_id: uuid.UUID, limit: int) -> list[dict[str, Any]]:
    query = (
        select(Feedback.attributes)
        .where(Feedback.workspace_id == workspace_id)
        .order_by(Feedback.received_at.desc())
        .limit(limit)
    )
    return [dict(value or {}) for value in session.scalars(query)]


RECORD_COLUMNS: tuple[Any, ...] = (
    Feedback.id,
    Feedback.received_at,
    Feedback.kind,
    Feedback.channel,
    Feedback.source,
    Feedback.lifecycle_stage,
    Feedback.touchpoint,
    Feedback.nps,
    Feedback.csat,
    Feedback.ces,
    Feedback.rating,
    Feedback.title,
    Feedback.text,
    Feedback.customer_id,
)


def records(
    session: Session, scope: Scope, score: str | None, limit: int, offset: int
) -> tuple[int, list[dict[str, Any]]]:
    """How many records the scope holds (only those with `score`, if named), and one page of them, newest
    first, with their customer's name."""
    owner = aliased(Customer)
    customer_name = (
        select(owner.name)
        .where(owner.id == Feedback.customer_id, owner.workspace_id == scope.workspace_id)
        .correlate(Feedback)
        .scalar_subquery()
        .label("customer_name")
    )
    fields = [f for f, _ in scope.filters]
    counted = _scoped(select(func.count(Feedback.id)), scope, fields)
    listed = _scoped(select(*RECORD_COLUMNS, customer_name), scope, fields)
    if score is not None:
        counted = counted.where(METRIC_SCORE[score].is_not(None))
        listed = listed.where(METRIC_SCORE[score].is_not(None))
    ((total,),) = _aggregate(session, counted, scope, fields)
    page = listed.order_by(Feedback.received_at.desc(), Feedback.id.desc()).limit(limit).offset(offset)
    return int(total), [dict(row._mapping) for row in session.execute(page)]


def theme_metric_sums(session: Session, metric: str, scope: Scope, top_level: bool) -> list[dict[str, Any]]:
    """Per theme (top-level, or leaf when not `top_level`): the metric's sums over the records in `scope` that
    mention it. Themes are read-only here, like feedback: text analytics writes them."""
    theme_key = func.coalesce(Theme.parent_id, Theme.id) if top_level else Theme.id
    mentions = (
        select(TextSentence.feedback_id.label("feedback_id"), theme_key.label("theme_id"))
        .join(Theme, Theme.id == TextSentence.theme_id)
        .where(TextSentence.workspace_id == scope.workspace_id)
        .distinct()
        .subquery()
    )
    sums = [column.label(name) for name, column in METRIC_SUMS[metric].items()]
    query = (
        select(mentions.c.theme_id, *sums)
        .select_from(Feedback)
        .join(mentions, mentions.c.feedback_id == Feedback.id)
    )
    query = _scoped(query, scope, [f for f, _ in scope.filters]).where(METRIC_SCORE[metric].is_not(None))
    return [dict(row._mapping) for row in session.execute(query.group_by(mentions.c.theme_id))]


def theme_counts(session: Session, scope: Scope) -> dict[uuid.UUID, dict[str, int]]:
    """Per top-level theme, over the records in `scope`: records mentioning it, its sentences, negative ones."""
    top = func.coalesce(Theme.parent_id, Theme.id)
    query = (
        select(
            top.label("theme_id"),
            func.count(func.distinct(TextSentence.feedback_id)).label("records"),
            func.count().label("sentences"),
            _count_if(TextSentence.sentiment_label == "negative").label("negative"),
        )
        .select_from(Feedback)
        .join(TextSentence, TextSentence.feedback_id == Feedback.id)
        .join(Theme, Theme.id == TextSentence.theme_id)
    )
    query = _scoped(query, scope, []).group_by(top)
    return {
        row.theme_id: {
            "records": int(row.records),
            "sentences": int(row.sentences),
            "negative": int(row.negative),
        }
        for row in session.execute(query)
    }


def records_with_text(session: Session, scope: Scope) -> int:
    query = _scoped(select(func.count(Feedback.id)), scope, []).where(Feedback.text.is_not(None))
    return int(session.execute(query).scalar_one())


def cells_by(
    session: Session, scope: Scope, fields: list[Field]
) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """One row per group of `fields`: its keys and every metric's sums (`{metric: sums}`), in one pass; the
    attention scan reads a segment's weekly series of every metric from this."""
    sums = [
        column.label(f"{metric}__{name}")
        for metric, columns in METRIC_SUMS.items()
        for name, column in columns.items()
    ]
    keys = [f.expression.label(f"g{i}") for i, f in enumerate(fields)]
    query = _scoped(select(*keys, *sums), scope, fields).group_by(*_groupings(fields))
    cells = []
    for row in _aggregate(session, query, scope, fields):
        found: dict[str, dict[str, Any]] = {metric: {} for metric in METRIC_SUMS}
        for label, value in row._mapping.items():
            if "__" in str(label):
                metric, name = str(label).split("__")
                found[metric][name] = value
        cells.append((tuple(row._mapping[f"g{i}"] for i in range(len(fields))), found))
    return cells


def customer_attribute_spread(session: Session, workspace_id: uuid.UUID) -> dict[str, int]:
    """Each customer attribute's key and how many distinct values it takes (from the attribute index)."""
    indexed = CustomerAttributeValue
    query = (
        select(indexed.key, func.count(func.distinct(indexed.value)))
        .where(indexed.workspace_id == workspace_id)
        .group_by(indexed.key)
    )
    return {key: int(count) for key, count in session.execute(query)}


def data_stamp(session: Session, workspace_id: uuid.UUID) -> tuple[Any, ...]:
    """What changes when records arrive, change or are analysed: a cached scan is stale when this moves."""
    records = select(func.count(Feedback.id), func.max(Feedback.updated_at)).where(
        Feedback.workspace_id == workspace_id
    )
    sentences = select(func.count(TextSentence.id)).where(TextSentence.workspace_id == workspace_id)
    return (*session.execute(records).one(), session.scalar(sentences))


def scored_rows(session: Session, scope: Scope, fields: list[Field]) -> list[tuple[Any, ...]]:
    """Every record of the scope with a score: (nps, csat, ces, rating, *each field's value), in one pass over
    the records, for the attention scan to group in many ways at once (one grouped query per field cost 6×)."""
    scores: list[Any] = [Feedback.nps, Feedback.csat, Feedback.ces, Feedback.rating]
    columns = select(*scores, *[f.expression for f in fields])
    query = _scoped(columns, scope, fields).where(or_(*(score.is_not(None) for score in scores)))
    return [tuple(row) for row in _aggregate(session, query, scope, fields)]
