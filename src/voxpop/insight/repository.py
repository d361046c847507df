"""Aggregate queries behind the overview: one pass per question, computed by the database."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from voxpop.feedback.models import Feedback


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def score_sums(session: Session, workspace_id: uuid.UUID) -> dict[str, Any]:
    f = Feedback
    row = session.execute(
        select(
            func.count(f.nps).label("nps_n"),
            _count_if(f.nps >= 9).label("promoters"),
            _count_if(f.nps <= 6).label("detractors"),
            func.count(f.csat).label("csat_n"),
            _count_if(f.csat >= 4).label("csat_satisfied"),
            func.count(f.ces).label("ces_n"),
            func.coalesce(func.sum(f.ces), 0).label("ces_sum"),
            func.coalesce(func.sum(f.ces * f.ces), 0).label("ces_squares"),
            _count_if(f.ces >= 5).label("ces_agree"),
            func.count(f.rating).label("rating_n"),
            func.coalesce(func.sum(f.rating), 0).label("rating_sum"),
            func.coalesce(func.sum(f.rating * f.rating), 0).label("rating_squares"),
        ).where(f.workspace_id == workspace_id)
    ).one()
    return dict(row._mapping)


def counts_by_channel(session: Session, workspace_id: uuid.UUID) -> list[tuple[str, int]]:
    rows = session.execute(
        select(Feedback.channel, func.count())
        .where(Feedback.workspace_id == workspace_id)
        .group_by(Feedback.channel)
        .order_by(func.count().desc())
    )
    return [(channel, int(n)) for channel, n in rows]


def counts_by_month(session: Session, workspace_id: uuid.UUID) -> list[tuple[str, int]]:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        month = func.to_char(func.date_trunc("month", Feedback.received_at), "YYYY-MM")
    else:
        month = func.strftime("%Y-%m", Feedback.received_at)
    rows = session.execute(
        select(month.label("month"), func.count())
        .where(Feedback.workspace_id == workspace_id)
        .group_by("month")
        .order_by("month")
    )
    return [(str(m), int(n)) for m, n in rows]
