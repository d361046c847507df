"""Every query of text analytics. Feedback is read here directly (read-only); its text is changed only
through `feedback.service`."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, delete, func, insert, or_, select, type_coerce, update
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from voxpop.feedback import periods
from voxpop.feedback.models import Feedback
from voxpop.kit.jobs.models import Job, JobStatus
from voxpop.text.models import TextAnalysis, TextSentence, TextSignal, Theme


def stale_feedback(
    session: Session, workspace_id: uuid.UUID, version: str, limit: int
) -> list[tuple[uuid.UUID, str, datetime]]:
    """Records with text whose analysis is missing, made by another pipeline, or older than the text."""
    query = (
        select(Feedback.id, Feedback.text, Feedback.updated_at)
        .outerjoin(TextAnalysis, TextAnalysis.feedback_id == Feedback.id)
        .where(Feedback.workspace_id == workspace_id, Feedback.text.is_not(None), Feedback.text != "")
        .where(
            or_(
                TextAnalysis.id.is_(None),
                TextAnalysis.version != version,
                TextAnalysis.source_updated_at != Feedback.updated_at,
            )
        )
        .order_by(Feedback.received_at.desc())
        .limit(limit)
    )
    return [(row.id, row.text, row.updated_at) for row in session.execute(query)]


def analyses_with_stale_themes(
    session: Session, workspace_id: uuid.UUID, themes_version: str, limit: int
) -> list[uuid.UUID]:
    query = (
        select(TextAnalysis.feedback_id)
        .where(TextAnalysis.workspace_id == workspace_id, TextAnalysis.themes_version != themes_version)
        .limit(limit)
    )
    return list(session.scalars(query))


def replace_analyses(
    session: Session,
    workspace_id: uuid.UUID,
    analyses: Sequence[dict[str, Any]],
    sentences: Sequence[dict[str, Any]],
    signals: Sequence[dict[str, Any]],
) -> None:
    """Store new analyses in place of the old ones of the same records (one statement per table). A record
    deleted (erased) while its batch was being analysed is skipped; the ones stored are locked against
    deletion until the commit on PostgreSQL (SQLite has one writer at a time)."""
    ids = [a["feedback_id"] for a in analyses]
    for model in (TextSignal, TextSentence, TextAnalysis):
        session.execute(delete(model).where(model.workspace_id == workspace_id, model.feedback_id.in_(ids)))
    present = set(
        session.scalars(
            select(Feedback.id)
            .where(Feedback.workspace_id == workspace_id, Feedback.id.in_(ids))
            .with_for_update(key_share=True)
        )
    )
    for model, rows in ((TextAnalysis, analyses), (TextSentence, sentences), (TextSignal, signals)):
        kept = [{"workspace_id": workspace_id, **row} for row in rows if row["feedback_id"] in present]
        if kept:
            session.execute(insert(model), kept)


def sentences_of(
    session: Session, workspace_id: uuid.UUID, feedback_ids: Sequence[uuid.UUID]
) -> list[TextSentence]:
    query = select(TextSentence).where(
        TextSentence.workspace_id == workspace_id, TextSentence.feedback_id.in_(feedback_ids)
    )
    return list(session.scalars(query.order_by(TextSentence.feedback_id, TextSentence.position)))


def set_sentence_themes(session: Session, assignments: Sequence[dict[str, Any]]) -> None:
    """Bulk update by primary key: each assignment is {"id", "theme_id", "theme_similarity"}."""
    if assignments:
        session.execute(update(TextSentence), list(assignments))


def mark_themes_version(
    session: Session, workspace_id: uuid.UUID, feedback_ids: Sequence[uuid.UUID], themes_version: str
) -> None:
    session.execute(
        update(TextAnalysis)
        .where(TextAnalysis.workspace_id == workspace_id, TextAnalysis.feedback_id.in_(feedback_ids))
        .values(themes_version=themes_version)
    )


def analysis_of(session: Session, workspace_id: uuid.UUID, feedback_id: uuid.UUID) -> TextAnalysis | None:
    return session.scalar(
        select(TextAnalysis).where(
            TextAnalysis.workspace_id == workspace_id, TextAnalysis.feedback_id == feedback_id
        )
    )


def signals_of(session: Session, workspace_id: uuid.UUID, feedback_id: uuid.UUID) -> list[TextSignal]:
    query = select(TextSignal).where(
        TextSignal.workspace_id == workspace_id, TextSignal.feedback_id == feedback_id
    )
    return list(session.scalars(query.order_by(TextSignal.sentence_position)))


def themes(session: Session, workspace_id: uuid.UUID, statuses: Sequence[str] | None = None) -> list[Theme]:
    query = select(Theme).where(Theme.workspace_id == workspace_id)
    if statuses is not None:
        query = query.where(Theme.status.in_(statuses))
    return list(session.scalars(query.order_by(Theme.created_at, Theme.id)))


def theme(session: Session, workspace_id: uuid.UUID, theme_id: uuid.UUID) -> Theme | None:
    return session.scalar(select(Theme).where(Theme.workspace_id == workspace_id, Theme.id == theme_id))


def add_theme(session: Session, theme: Theme) -> Theme:
    session.add(theme)
    session.flush()
    return theme


def sample_sentences(
    session: Session, workspace_id: uuid.UUID, limit: int, theme_ids: Sequence[uuid.UUID] | None = None
) -> list[tuple[uuid.UUID, str, bytes]]:
    """The most recent sentences (id, text, embedding) of supported languages, optionally of some themes."""
    query = (
        select(TextSentence.id, TextSentence.text, TextSentence.embedding)
        .where(TextSentence.workspace_id == workspace_id, TextSentence.sentiment_label.is_not(None))
        .order_by(TextSentence.id.desc())
        .limit(limit)
    )
    if theme_ids is not None:
        query = query.where(TextSentence.theme_id.in_(theme_ids))
    return [(row.id, row.text, row.embedding) for row in session.execute(query)]


def unassign_theme(session: Session, workspace_id: uuid.UUID, theme_ids: Sequence[uuid.UUID]) -> None:
    session.execute(
        update(TextSentence)
        .where(TextSentence.workspace_id == workspace_id, TextSentence.theme_id.in_(theme_ids))
        .values(theme_id=None, theme_similarity=None)
    )


def move_sentences(session: Session, workspace_id: uuid.UUID, source: uuid.UUID, target: uuid.UUID) -> None:
    session.execute(
        update(TextSentence)
        .where(TextSentence.workspace_id == workspace_id, TextSentence.theme_id == source)
        .values(theme_id=target)
    )


def pending_job(session: Session, workspace_id: uuid.UUID, name: str) -> bool:
    query = select(Job.id).where(
        Job.name == name, Job.workspace_id == workspace_id, Job.status == JobStatus.PENDING
    )
    return session.scalar(query.limit(1)) is not None


def other_running_job(
    session: Session, workspace_id: uuid.UUID, name: str, job_id: uuid.UUID, alive_since: datetime
) -> bool:
    """Whether another job of this name runs for the workspace on a runner that answered since `alive_since`."""
    query = select(Job.id).where(
        Job.name == name,
        Job.workspace_id == workspace_id,
        Job.status == JobStatus.RUNNING,
        Job.id != job_id,
        Job.locked_at >= alive_since,
    )
    return session.scalar(query.limit(1)) is not None


def workspaces_with_text(session: Session) -> list[uuid.UUID]:
    query = select(Feedback.workspace_id).where(Feedback.text.is_not(None)).distinct()
    return list(session.scalars(query))


def theme_stats(session: Session, workspace_id: uuid.UUID, by_top: bool) -> list[Any]:
    """Per theme (leaf, or top-level when `by_top`): distinct records, sentences, mean sentiment, negatives."""
    key = func.coalesce(Theme.parent_id, Theme.id) if by_top else Theme.id
    query = (
        select(
            key.label("theme_id"),
            func.count(func.distinct(TextSentence.feedback_id)).label("records"),
            func.count().label("sentences"),
            func.avg(TextSentence.sentiment_score).label("sentiment"),
            func.sum(case((TextSentence.sentiment_label == "negative", 1), else_=0)).label("negative"),
        )
        .join(Theme, Theme.id == TextSentence.theme_id)
        .where(TextSentence.workspace_id == workspace_id, Theme.workspace_id == workspace_id)
        .group_by(key)
    )
    return list(session.execute(query))


def theme_trend(session: Session, workspace_id: uuid.UUID, theme_ids: Sequence[uuid.UUID]) -> list[Any]:
    """Records per month that mention any of `theme_ids`."""
    month, _ = periods.received("month", session.get_bind().dialect.name)
    query = (
        select(month.label("month"), func.count(func.distinct(TextSentence.feedback_id)).label("records"))
        .join(Feedback, Feedback.id == TextSentence.feedback_id)
        .where(TextSentence.workspace_id == workspace_id, TextSentence.theme_id.in_(theme_ids))
        .group_by(month)
        .order_by(month)
    )
    return list(session.execute(query))


def theme_examples(
    session: Session, workspace_id: uuid.UUID, theme_ids: Sequence[uuid.UUID], limit: int
) -> list[tuple[TextSentence, Feedback]]:
    query = (
        select(TextSentence, Feedback)
        .join(Feedback, Feedback.id == TextSentence.feedback_id)
        .where(TextSentence.workspace_id == workspace_id, TextSentence.theme_id.in_(theme_ids))
        .order_by(TextSentence.theme_similarity.desc(), TextSentence.id)
        .limit(limit)
    )
    return [(row[0], row[1]) for row in session.execute(query)]


def suggestions(session: Session, workspace_id: uuid.UUID, limit: int) -> list[tuple[TextSentence, Feedback]]:
    """Sentences that carry a suggestion signal, newest first, with their records."""
    query = (
        select(TextSentence, Feedback)
        .join(
            TextSignal,
            (TextSignal.feedback_id == TextSentence.feedback_id)
            & (TextSignal.sentence_position == TextSentence.position),
        )
        .join(Feedback, Feedback.id == TextSentence.feedback_id)
        .where(TextSignal.workspace_id == workspace_id, TextSignal.kind == "suggestion")
        .order_by(Feedback.received_at.desc())
        .limit(limit)
    )
    return [(row[0], row[1]) for row in session.execute(query)]


def text_search(
    session: Session, workspace_id: uuid.UUID, words: str, limit: int, among: Select[Any] | None
) -> list[Feedback]:
    """Records whose text contains `words` (case-insensitive), newest first; only those `among` the given ids,
    if any are given."""
    pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    query = select(Feedback).where(
        Feedback.workspace_id == workspace_id, Feedback.text.ilike(pattern, escape="\\")
    )
    if among is not None:
        query = query.where(Feedback.id.in_(among))
    return list(session.scalars(query.order_by(Feedback.received_at.desc()).limit(limit)))


def feedback_by_ids(session: Session, workspace_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> list[Feedback]:
    return list(
        session.scalars(select(Feedback).where(Feedback.workspace_id == workspace_id, Feedback.id.in_(ids)))
    )


def recent_sentence_vectors(
    session: Session, workspace_id: uuid.UUID, among: Select[Any] | None, chunk: int, limit: int
) -> Iterator[tuple[list[Any], list[bytes]]]:
    """The record ids and embeddings of the workspace's `limit` most recent analysed sentences — of the
    records `among` the given ids, if any are given — `chunk` rows at a time, so a search holds one chunk in
    memory. Read through the connection, not the ORM, and with the record ids as the database driver gives
    them (`record_id` reads one): building a row object and a UUID for each of many sentences cost more than
    reading them (2.7x the time on SQLite, 1.2x on PostgreSQL, at 100,000 sentences)."""
    raw_id = type_coerce(TextSentence.feedback_id, NullType())
    query = select(raw_id, TextSentence.embedding).where(
        TextSentence.workspace_id == workspace_id, TextSentence.sentiment_label.is_not(None)
    )
    if among is not None:
        query = query.where(TextSentence.feedback_id.in_(among))
    newest_first = query.order_by(TextSentence.workspace_id.desc(), TextSentence.id.desc()).limit(limit)
    for rows in session.connection().execute(newest_first.execution_options(yield_per=chunk)).partitions():
        records, embeddings = zip(*rows, strict=True)
        yield list(records), list(embeddings)


def record_id(raw: Any) -> uuid.UUID:
    """A record id as `recent_sentence_vectors` gives it (a UUID from PostgreSQL, 32 hex digits from SQLite)."""
    return raw if isinstance(raw, uuid.UUID) else uuid.UUID(hex=str(raw))


def monthly_mentions(session: Session, workspace_id: uuid.UUID) -> list[Any]:
    """(top-level theme, month, records) for every theme and month."""
    month, _ = periods.received("month", session.get_bind().dialect.name)
    top = func.coalesce(Theme.parent_id, Theme.id)
    query = (
        select(
            top.label("theme_id"),
            month.label("month"),
            func.count(func.distinct(TextSentence.feedback_id)).label("records"),
        )
        .join(Theme, Theme.id == TextSentence.theme_id)
        .join(Feedback, Feedback.id == TextSentence.feedback_id)
        .where(TextSentence.workspace_id == workspace_id)
        .group_by(top, month)
    )
    return list(session.execute(query))


def analysed_among(session: Session, workspace_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """Which of these records have an analysis of their text."""
    query = select(TextAnalysis.feedback_id).where(
        TextAnalysis.workspace_id == workspace_id, TextAnalysis.feedback_id.in_(ids)
    )
    return list(session.scalars(query))


def theme_sentence_counts(
    session: Session, workspace_id: uuid.UUID, ids: Sequence[uuid.UUID], theme_ids: Sequence[uuid.UUID]
) -> list[Any]:
    """(record, top-level theme, sentences, positive sentences) for these records and top-level themes."""
    top = func.coalesce(Theme.parent_id, Theme.id)
    query = (
        select(
            TextSentence.feedback_id,
            top.label("theme_id"),
            func.count().label("sentences"),
            func.sum(case((TextSentence.sentiment_label == "positive", 1), else_=0)).label("positive"),
        )
        .join(Theme, Theme.id == TextSentence.theme_id)
        .where(
            TextSentence.workspace_id == workspace_id, TextSentence.feedback_id.in_(ids), top.in_(theme_ids)
        )
        .group_by(TextSentence.feedback_id, top)
    )
    return list(session.execute(query))


def analysed_counts(session: Session, workspace_id: uuid.UUID) -> tuple[int, int]:
    """Records analysed so far, and their sentences of supported languages (those discovery may cluster)."""
    records = select(func.count()).where(TextAnalysis.workspace_id == workspace_id)
    sentences = select(func.count()).where(
        TextSentence.workspace_id == workspace_id, TextSentence.sentiment_label.is_not(None)
    )
    return int(session.scalar(records) or 0), int(session.scalar(sentences) or 0)


def analysis_counts(session: Session, workspace_id: uuid.UUID, version: str, since: datetime) -> Any:
    """Records with text (`total`), those whose analysis is current (`current`: this pipeline version, made
    from the text as it is now), and analyses made since `since` (`recent`, the first at `earliest`)."""
    current = case(
        (
            (TextAnalysis.version == version) & (TextAnalysis.source_updated_at == Feedback.updated_at),
            1,
        ),
        else_=0,
    )
    recent = case((TextAnalysis.analysed_at >= since, 1), else_=0)
    query = (
        select(
            func.count(Feedback.id).label("total"),
            func.coalesce(func.sum(current), 0).label("current"),
            func.coalesce(func.sum(recent), 0).label("recent"),
            func.min(case((TextAnalysis.analysed_at >= since, TextAnalysis.analysed_at))).label("earliest"),
        )
        .outerjoin(TextAnalysis, TextAnalysis.feedback_id == Feedback.id)
        .where(Feedback.workspace_id == workspace_id, Feedback.text.is_not(None), Feedback.text != "")
    )
    return session.execute(query).one()


def delete_themes(session: Session, workspace_id: uuid.UUID, theme_ids: Sequence[uuid.UUID]) -> None:
    """Remove themes for good (their sentences first become unassigned)."""
    if theme_ids:
        unassign_theme(session, workspace_id, theme_ids)
        session.execute(delete(Theme).where(Theme.workspace_id == workspace_id, Theme.id.in_(theme_ids)))


def _newest_records(workspace_id: uuid.UUID, customer_id: uuid.UUID, most: int) -> Any:
    """The customer's `most` newest records (id, received_at), read from ix_feedback_customer_received. Named
    `feedback`, so the periods' SQL (`feedback.received_at`) reads it; queries start from it, so the planner
    looks their analyses up by record instead of scanning the workspace."""
    return (
        select(Feedback.id, Feedback.received_at)
        .where(Feedback.workspace_id == workspace_id, Feedback.customer_id == customer_id)
        .order_by(Feedback.received_at.desc(), Feedback.id.desc())
        .limit(most)
        .subquery("feedback")
    )


def customer_sentiment_by_month(
    session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID, most: int
) -> list[Any]:
    """(month, mean sentiment, records) of the customer's `most` newest records that were analysed, oldest
    month first."""
    month, _ = periods.received("month", session.get_bind().dialect.name)
    recent = _newest_records(workspace_id, customer_id, most)
    query = (
        select(
            month.label("month"),
            func.avg(TextAnalysis.sentiment_score).label("mean"),
            func.count().label("records"),
        )
        .select_from(recent)
        .join(TextAnalysis, TextAnalysis.feedback_id == recent.c.id)
        .where(TextAnalysis.sentiment_score.is_not(None))
        .group_by(month)
        .order_by(month)
    )
    return list(session.execute(query))


def customer_themes(
    session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID, most: int, limit: int
) -> list[Any]:
    """(theme id, records, mean sentence sentiment, last mentioned) of the themes the customer's `most` newest
    records raised, most records first."""
    recent = _newest_records(workspace_id, customer_id, most)
    records = func.count(func.distinct(TextSentence.feedback_id)).label("records")
    query = (
        select(
            TextSentence.theme_id,
            records,
            func.avg(TextSentence.sentiment_score).label("sentiment"),
            func.max(recent.c.received_at).label("last_at"),
        )
        .select_from(recent)
        .join(TextSentence, TextSentence.feedback_id == recent.c.id)
        .where(TextSentence.theme_id.is_not(None))
        .group_by(TextSentence.theme_id)
        .order_by(records.desc())
        .limit(limit)
    )
    return list(session.execute(query))
