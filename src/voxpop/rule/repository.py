"""Every query of the rule domain. Feedback, customers and text analyses are read here directly (read-only,
a batch in a few statements, which is what keeps evaluation fast); they are written only by their domains."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from voxpop.customer.models import Customer
from voxpop.feedback.models import Feedback
from voxpop.insight.models import Insight
from voxpop.kit.jobs.models import Job, JobStatus
from voxpop.rule.conditions import SCORES, Facts
from voxpop.rule.models import RecordTag, Rule, RuleEvaluation, RuleMatch
from voxpop.text.models import TextAnalysis, TextSentence, TextSignal, Theme, ThemeStatus


def add(session: Session, *rows: object) -> None:
    session.add_all(rows)
    session.flush()


def rule(session: Session, workspace_id: uuid.UUID, rule_id: uuid.UUID) -> Rule | None:
    return session.scalar(select(Rule).where(Rule.workspace_id == workspace_id, Rule.id == rule_id))


def rules(
    session: Session, workspace_id: uuid.UUID, subject: str | None = None, enabled_only: bool = False
) -> list[Rule]:
    query = select(Rule).where(Rule.workspace_id == workspace_id)
    if subject is not None:
        query = query.where(Rule.subject == subject)
    if enabled_only:
        query = query.where(Rule.enabled.is_(True))
    return list(session.scalars(query.order_by(Rule.created_at, Rule.id)))


def has_enabled_rules(session: Session, workspace_id: uuid.UUID, subject: str) -> bool:
    query = select(Rule.id).where(
        Rule.workspace_id == workspace_id, Rule.subject == subject, Rule.enabled.is_(True)
    )
    return session.scalar(query.limit(1)) is not None


def delete_rule(session: Session, found: Rule) -> None:
    session.delete(found)
    session.flush()


def match_counts(session: Session, workspace_id: uuid.UUID, since: datetime) -> dict[uuid.UUID, int]:
    query = (
        select(RuleMatch.rule_id, func.count())
        .where(RuleMatch.workspace_id == workspace_id, RuleMatch.matched_at >= since)
        .group_by(RuleMatch.rule_id)
    )
    return {rule_id: int(count) for rule_id, count in session.execute(query)}


def matches(
    session: Session, workspace_id: uuid.UUID, rule_id: uuid.UUID, limit: int, offset: int
) -> list[RuleMatch]:
    query = (
        select(RuleMatch)
        .where(RuleMatch.workspace_id == workspace_id, RuleMatch.rule_id == rule_id)
        .order_by(RuleMatch.matched_at.desc(), RuleMatch.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))


def tags_by_record(
    session: Session,
    workspace_id: uuid.UUID,
    feedback_ids: Sequence[uuid.UUID],
    rule_id: uuid.UUID | None = None,
) -> dict[uuid.UUID, list[RecordTag]]:
    query = select(RecordTag).where(
        RecordTag.workspace_id == workspace_id, RecordTag.feedback_id.in_(feedback_ids)
    )
    if rule_id is not None:
        query = query.where(RecordTag.rule_id == rule_id)
    found: dict[uuid.UUID, list[RecordTag]] = defaultdict(list)
    for tag in session.scalars(query.order_by(RecordTag.tagged_at, RecordTag.tag)):
        found[tag.feedback_id].append(tag)
    return found


def feedback_exists(session: Session, workspace_id: uuid.UUID, feedback_id: uuid.UUID) -> bool:
    query = select(Feedback.id).where(Feedback.workspace_id == workspace_id, Feedback.id == feedback_id)
    return session.scalar(query) is not None


def pending_job(session: Session, workspace_id: uuid.UUID, name: str) -> bool:
    query = select(Job.id).where(
        Job.name == name, Job.workspace_id == workspace_id, Job.status == JobStatus.PENDING
    )
    return session.scalar(query.limit(1)) is not None


def known_themes(
    session: Session, workspace_id: uuid.UUID, theme_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """Names of the given themes that exist in the workspace and are in use (not deleted or merged)."""
    query = select(Theme.id, Theme.name).where(
        Theme.workspace_id == workspace_id,
        Theme.id.in_(list(theme_ids)),
        Theme.status.in_([ThemeStatus.ACTIVE, ThemeStatus.PROPOSED]),
    )
    return dict(session.execute(query).all())


def theme_parents(session: Session, workspace_id: uuid.UUID) -> dict[uuid.UUID, uuid.UUID]:
    query = select(Theme.id, Theme.parent_id).where(
        Theme.workspace_id == workspace_id, Theme.parent_id.is_not(None)
    )
    return {theme_id: parent for theme_id, parent in session.execute(query) if parent is not None}


def _facts_query(workspace_id: uuid.UUID) -> Select[Any]:
    return (
        select(
            Feedback,
            Customer.attributes.label("customer_attributes"),
            TextAnalysis.sentiment_label,
            TextAnalysis.sentiment_score,
        )
        .outerjoin(Customer, Customer.id == Feedback.customer_id)
        .outerjoin(TextAnalysis, TextAnalysis.feedback_id == Feedback.id)
        .where(Feedback.workspace_id == workspace_id)
    )


def ready_records(
    session: Session, workspace_id: uuid.UUID, since: datetime, version: str, limit: int
) -> list[tuple[Feedback, Any, Any, Any]]:
    """Records created from `since` on, not evaluated as they are now, whose text (if any) is analysed by the
    current pipeline: oldest first. Rows are (record, customer attributes, sentiment label, sentiment score)."""
    query = (
        _facts_query(workspace_id)
        .outerjoin(RuleEvaluation, RuleEvaluation.feedback_id == Feedback.id)
        .where(Feedback.created_at >= since)
        .where(
            or_(RuleEvaluation.feedback_id.is_(None), RuleEvaluation.record_updated_at != Feedback.updated_at)
        )
        .where(
            or_(
                Feedback.text.is_(None),
                Feedback.text == "",
                (TextAnalysis.version == version) & (TextAnalysis.source_updated_at == Feedback.updated_at),
            )
        )
        .order_by(Feedback.created_at, Feedback.id)
        .limit(limit)
    )
    return [tuple(row) for row in session.execute(query)]


def received_records(
    session: Session,
    workspace_id: uuid.UUID,
    since: datetime,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[tuple[Feedback, Any, Any, Any]]:
    """Records received from `since` on, newest first, one page after the (received_at, id) key `after`."""
    query = _facts_query(workspace_id).where(Feedback.received_at >= since)
    if after is not None:
        query = query.where(
            or_(
                Feedback.received_at < after[0],
                (Feedback.received_at == after[0]) & (Feedback.id < after[1]),
            )
        )
    query = query.order_by(Feedback.received_at.desc(), Feedback.id.desc()).limit(limit)
    return [tuple(row) for row in session.execute(query)]


def themes_and_signals(
    session: Session, workspace_id: uuid.UUID, feedback_ids: Sequence[uuid.UUID]
) -> tuple[dict[uuid.UUID, set[uuid.UUID]], dict[uuid.UUID, set[str]]]:
    """Per record: the themes its sentences were assigned, and its signals (as kind and kind.detail)."""
    themes: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    signals: dict[uuid.UUID, set[str]] = defaultdict(set)
    sentence_query = select(TextSentence.feedback_id, TextSentence.theme_id).where(
        TextSentence.workspace_id == workspace_id,
        TextSentence.feedback_id.in_(feedback_ids),
        TextSentence.theme_id.is_not(None),
    )
    for feedback_id, theme_id in session.execute(sentence_query):
        if theme_id is not None:
            themes[feedback_id].add(theme_id)
    signal_query = select(TextSignal.feedback_id, TextSignal.kind, TextSignal.detail).where(
        TextSignal.workspace_id == workspace_id, TextSignal.feedback_id.in_(feedback_ids)
    )
    for feedback_id, kind, detail in session.execute(signal_query):
        signals[feedback_id].update((kind, f"{kind}.{detail}"))
    return themes, signals


def facts_of(
    row: tuple[Feedback, Any, Any, Any], themes: frozenset[uuid.UUID], signals: frozenset[str]
) -> Facts:
    record, customer, label, score = row
    return Facts(
        id=record.id,
        received_at=record.received_at,
        created_at=record.created_at,
        channel=record.channel,
        source=record.source,
        lifecycle_stage=record.lifecycle_stage,
        touchpoint=record.touchpoint,
        title=record.title,
        text=record.text,
        scores={name: getattr(record, name) for name in SCORES},
        attributes=record.attributes or {},
        customer=customer or {},
        sentiment_label=label,
        sentiment_score=score,
        themes=themes,
        signals=signals,
    )


def matched_pairs(
    session: Session, workspace_id: uuid.UUID, feedback_ids: Sequence[uuid.UUID]
) -> set[tuple[uuid.UUID, uuid.UUID]]:
    query = select(RuleMatch.rule_id, RuleMatch.feedback_id).where(
        RuleMatch.workspace_id == workspace_id, RuleMatch.feedback_id.in_(feedback_ids)
    )
    return {(rule_id, fid) for rule_id, fid in session.execute(query) if fid is not None}


def insight_matched(session: Session, rule_id: uuid.UUID, insight_id: uuid.UUID) -> bool:
    query = select(RuleMatch.id).where(RuleMatch.rule_id == rule_id, RuleMatch.insight_id == insight_id)
    return session.scalar(query) is not None


def add_matches(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Store matches in one statement (the unique (rule, record) and (rule, insight) pairs hold here)."""
    if rows:
        session.execute(insert(RuleMatch), list(rows))


def add_tags(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    session.execute(insert(RecordTag), list(rows))


def mark_evaluated(
    session: Session, workspace_id: uuid.UUID, records: Sequence[tuple[uuid.UUID, datetime]], now: datetime
) -> None:
    """Note the records as evaluated, as they are now (one statement per table, replacing older notes)."""
    ids = [feedback_id for feedback_id, _ in records]
    session.execute(
        delete(RuleEvaluation).where(
            RuleEvaluation.workspace_id == workspace_id, RuleEvaluation.feedback_id.in_(ids)
        )
    )
    session.execute(
        insert(RuleEvaluation),
        [
            {
                "feedback_id": fid,
                "workspace_id": workspace_id,
                "record_updated_at": updated,
                "evaluated_at": now,
            }
            for fid, updated in records
        ],
    )


def insights_since(session: Session, workspace_id: uuid.UUID, since: datetime) -> list[Insight]:
    query = select(Insight).where(Insight.workspace_id == workspace_id, Insight.detected_at >= since)
    return list(session.scalars(query.order_by(Insight.detected_at.desc(), Insight.id.desc())))


def theme_choices(session: Session, workspace_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    """The workspace's themes in use, by name, for the editor."""
    query = select(Theme.id, Theme.name).where(
        Theme.workspace_id == workspace_id, Theme.status.in_([ThemeStatus.ACTIVE, ThemeStatus.PROPOSED])
    )
    return [(theme_id, name) for theme_id, name in session.execute(query.order_by(Theme.name))]
