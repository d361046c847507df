"""Reading text analytics: the theme tree with volume, sentiment and trend; one record's analysis; the ideas
list; and search (words, or "more like this" by meaning), narrowed by the analytics filters when given
(`among`: a query of the ids of the records to search, from `insight.service.matching_ids`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Select
from sqlalchemy.orm import Session

from voxpop.feedback.models import Feedback
from voxpop.kit.errors import NotFound
from voxpop.text import embeddings, repository
from voxpop.text.models import Theme, ThemeStatus

SAME_IDEA = 0.7
"""Cosine above which two suggestions are one request (0.75 until the int8 encoder, whose cosines run a
little lower: "Please add a dark mode to the app" and "It would be great if you added a dark mode" 0.725)."""
SEARCH_CHUNK = 20_000  # sentence vectors scored at a time: 30 MB of all-MiniLM-L6-v2's 384 floats
SEARCH_BUDGET = 200_000  # sentences scored by one search at most, newest first: a bounded wait anywhere


@dataclass
class ThemeView:
    id: uuid.UUID
    name: str
    status: str
    origin: str
    edited: bool
    phrases: list[str]
    records: int = 0
    sentences: int = 0
    sentiment: float | None = None
    negative_share: float | None = None
    children: list[ThemeView] = field(default_factory=list)


def theme_tree(session: Session, workspace_id: uuid.UUID) -> list[ThemeView]:
    """Active and proposed themes with their sub-themes, largest first, each with its figures."""
    live = repository.themes(session, workspace_id, [ThemeStatus.ACTIVE, ThemeStatus.PROPOSED])
    stats = {row.theme_id: row for row in repository.theme_stats(session, workspace_id, by_top=False)}
    stats.update({row.theme_id: row for row in repository.theme_stats(session, workspace_id, by_top=True)})
    views = {t.id: _view(t, stats.get(t.id)) for t in live}
    tops = [views[t.id] for t in live if t.parent_id is None or t.parent_id not in views]
    for t in live:
        if t.parent_id in views and views[t.id] not in tops:
            views[t.parent_id].children.append(views[t.id])
    for view in tops:
        view.children.sort(key=lambda v: -v.records)
    return sorted(tops, key=lambda v: (v.status != ThemeStatus.ACTIVE, -v.records))


def _view(theme: Theme, row: Any) -> ThemeView:
    view = ThemeView(
        theme.id, theme.name, theme.status, theme.origin, theme.edited, list(theme.phrases.get("phrases", []))
    )
    if row is not None:
        view.records, view.sentences = int(row.records), int(row.sentences)
        view.sentiment = round(float(row.sentiment), 3) if row.sentiment is not None else None
        view.negative_share = round(int(row.negative or 0) / max(int(row.sentences), 1), 3)
    return view


def theme_detail(session: Session, workspace_id: uuid.UUID, theme_id: uuid.UUID) -> dict[str, Any]:
    theme = repository.theme(session, workspace_id, theme_id)
    if theme is None or theme.status in (ThemeStatus.DELETED, ThemeStatus.MERGED):
        raise NotFound("theme")
    ids = [theme.id, *(t.id for t in repository.themes(session, workspace_id) if t.parent_id == theme.id)]
    examples = repository.theme_examples(session, workspace_id, ids, 20)
    return {
        "theme": theme,
        "trend": [
            {"month": row.month, "records": int(row.records)}
            for row in repository.theme_trend(session, workspace_id, ids)
        ],
        "examples": [
            {
                "feedback_id": record.id,
                "text": record.text or "",
                "start": sentence.start,
                "end": sentence.end,
                "sentiment": sentence.sentiment_label,
                "received_at": record.received_at,
                "customer_id": record.customer_id,
            }
            for sentence, record in _one_per_record(examples)
        ],
    }


def _one_per_record(examples: list[Any]) -> list[Any]:
    seen: set[uuid.UUID] = set()
    kept = []
    for sentence, record in examples:
        if record.id not in seen:
            seen.add(record.id)
            kept.append((sentence, record))
    return kept


def record_analysis(
    session: Session, workspace_id: uuid.UUID, feedback_id: uuid.UUID
) -> dict[str, Any] | None:
    analysis = repository.analysis_of(session, workspace_id, feedback_id)
    if analysis is None:
        return None
    names = {t.id: t for t in repository.themes(session, workspace_id)}
    sentences = repository.sentences_of(session, workspace_id, [feedback_id])
    return {
        "language": analysis.language,
        "supported": analysis.supported,
        "sentiment": {"label": analysis.sentiment_label, "score": analysis.sentiment_score}
        if analysis.sentiment_label
        else None,
        "flags": analysis.details.get("flags", []),
        "redactions": analysis.details.get("redactions", {}),
        "text": analysis.details.get("text", ""),
        "version": analysis.version,
        "analysed_at": analysis.analysed_at,
        "sentences": [
            {
                "position": s.position,
                "start": s.start,
                "end": s.end,
                "text": s.text,
                "language": s.language,
                "sentiment": {"label": s.sentiment_label, "score": s.sentiment_score}
                if s.sentiment_label
                else None,
                "theme": _theme_ref(names, s.theme_id),
            }
            for s in sentences
        ],
        "signals": [
            {"kind": s.kind, "detail": s.detail, "sentence": s.sentence_position, "phrase": s.phrase}
            for s in repository.signals_of(session, workspace_id, feedback_id)
        ],
    }


def _theme_ref(names: dict[uuid.UUID, Theme], theme_id: uuid.UUID | None) -> dict[str, Any] | None:
    if theme_id is None or theme_id not in names:
        return None
    theme = names[theme_id]
    parent = names.get(theme.parent_id) if theme.parent_id else None
    return {
        "id": theme.id,
        "name": theme.name,
        "parent": {"id": parent.id, "name": parent.name} if parent else None,
    }


@dataclass
class Idea:
    request: str
    customers: int
    mentions: int
    examples: list[dict[str, Any]]


def ideas(session: Session, workspace_id: uuid.UUID, limit: int = 5000) -> list[Idea]:
    """Suggestions grouped into distinct requests (similar meaning), with how many customers asked."""
    found = repository.suggestions(session, workspace_id, limit)
    if not found:
        return []
    vectors = embeddings.from_bytes([sentence.embedding for sentence, _ in found])
    groups: list[list[int]] = []
    leaders: list[int] = []
    for i in range(len(found)):
        similar = [g for g, leader in enumerate(leaders) if float(vectors[i] @ vectors[leader]) >= SAME_IDEA]
        if similar:
            groups[similar[0]].append(i)
        else:
            leaders.append(i)
            groups.append([i])
    result = [_idea(found, group) for group in groups]
    return sorted(result, key=lambda idea: (-idea.customers, -idea.mentions))


def _idea(found: list[Any], group: list[int]) -> Idea:
    records = [found[i][1] for i in group]
    customers = {r.customer_id or r.id for r in records}
    examples = [{"feedback_id": found[i][1].id, "sentence": found[i][0].text} for i in group[:5]]
    return Idea(found[group[0]][0].text, len(customers), len(group), examples)


def records(session: Session, workspace_id: uuid.UUID, ids: list[uuid.UUID]) -> dict[uuid.UUID, Feedback]:
    return {r.id: r for r in repository.feedback_by_ids(session, workspace_id, ids)}


def search_words(
    session: Session, workspace_id: uuid.UUID, words: str, limit: int, among: Select[Any] | None = None
) -> list[Feedback]:
    return repository.text_search(session, workspace_id, words, limit, among)


@dataclass(frozen=True)
class Nearest:
    """Records closest in meaning, best first, and what was searched: the `searched` most recent sentences
    of the chosen records — all of them when `complete`, else the budget stopped at older ones."""

    hits: list[tuple[uuid.UUID, float]]
    searched: int
    complete: bool


def similar_records(
    session: Session,
    workspace_id: uuid.UUID,
    feedback_id: uuid.UUID,
    limit: int = 20,
    among: Select[Any] | None = None,
) -> Nearest:
    """Records closest in meaning to one record (mean of its sentence embeddings; best sentence match)."""
    own = [s for s in repository.sentences_of(session, workspace_id, [feedback_id]) if s.sentiment_label]
    if not own:
        raise NotFound("analysed record")
    query = embeddings.from_bytes([s.embedding for s in own]).mean(axis=0)
    unit = query / max(float(np.linalg.norm(query)), 1e-9)
    return _nearest(session, workspace_id, unit, limit, {feedback_id}, among)


def semantic_search(
    session: Session,
    workspace_id: uuid.UUID,
    text: str,
    model: str,
    limit: int = 20,
    among: Select[Any] | None = None,
) -> Nearest:
    query = embeddings.encode(model, [text])[0]
    return _nearest(session, workspace_id, query, limit, set(), among)


def _nearest(
    session: Session,
    workspace_id: uuid.UUID,
    query: Any,
    limit: int,
    exclude: set[uuid.UUID],
    among: Select[Any] | None,
) -> Nearest:
    """The `limit` records whose best sentence is closest to `query`, over the most recent `SEARCH_BUDGET`
    analysed sentences, a chunk at a time. A record in the overall top `limit` is also in the top `limit` of
    the chunk that holds its best sentence (every record ahead of it there is ahead of it overall), so each
    chunk hands on only its own."""
    best: dict[uuid.UUID, float] = {}
    read = 0  # one sentence past the budget is read, to tell whether the budget cut the search short
    chunks = repository.recent_sentence_vectors(session, workspace_id, among, SEARCH_CHUNK, SEARCH_BUDGET + 1)
    for records, vectors in chunks:
        kept = max(0, min(len(vectors), SEARCH_BUDGET - read))
        read += len(vectors)
        scores = embeddings.from_bytes(vectors[:kept]) @ query
        for record, score in _best_records(records, scores, limit, exclude):
            best[record] = max(score, best.get(record, score))
    ranked = sorted(best.items(), key=lambda item: -item[1])[:limit]
    hits = [(record, round(score, 4)) for record, score in ranked]
    return Nearest(hits, searched=min(read, SEARCH_BUDGET), complete=read <= SEARCH_BUDGET)


def _best_records(
    records: list[Any], scores: Any, limit: int, exclude: set[uuid.UUID]
) -> list[tuple[uuid.UUID, float]]:
    """The chunk's `limit` best records, each with its best sentence's score, best first."""
    found: dict[uuid.UUID, float] = {}
    for index in np.argsort(-scores):
        record = repository.record_id(records[int(index)])
        if record not in exclude and record not in found:
            found[record] = float(scores[index])
            if len(found) >= limit:
                break
    return list(found.items())


def monthly_volumes(
    session: Session, workspace_id: uuid.UUID, months: int = 6
) -> dict[uuid.UUID, list[tuple[str, int]]]:
    """Each top-level theme's records per month over the last `months` months that have any data."""
    rows = repository.monthly_mentions(session, workspace_id)
    recent = sorted({row.month for row in rows})[-months:]
    volumes: dict[uuid.UUID, dict[str, int]] = {}
    for row in rows:
        volumes.setdefault(row.theme_id, {})[row.month] = int(row.records)
    return {theme: [(m, counts.get(m, 0)) for m in recent] for theme, counts in volumes.items()}


@dataclass(frozen=True)
class MonthSentiment:
    month: str
    mean: float
    records: int


@dataclass(frozen=True)
class RaisedTheme:
    id: uuid.UUID
    name: str
    records: int
    sentiment: float | None
    last_at: datetime


CUSTOMER_RECENT = 1000
"""A customer's sentiment and themes are read from their newest records, this many at most, so that the
customer page of a customer with 10,000 records stays fast (docs/benchmarks.md); the page says so."""


def customer_sentiment(
    session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID
) -> list[MonthSentiment]:
    """The mean sentiment (-1…1) of the customer's newest analysed records, month by month."""
    rows = repository.customer_sentiment_by_month(session, workspace_id, customer_id, CUSTOMER_RECENT)
    return [MonthSentiment(str(r.month), float(r.mean), int(r.records)) for r in rows]


def customer_themes(
    session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID, limit: int = 12
) -> list[RaisedTheme]:
    """The themes the customer's newest records raised, most records first, named with their parent theme."""
    names = {t.id: t for t in repository.themes(session, workspace_id)}
    found = []
    for row in repository.customer_themes(session, workspace_id, customer_id, CUSTOMER_RECENT, limit):
        ref = _theme_ref(names, row.theme_id)
        if ref is None:
            continue
        name = f"{ref['parent']['name']} › {ref['name']}" if ref["parent"] else ref["name"]
        sentiment = float(row.sentiment) if row.sentiment is not None else None
        found.append(RaisedTheme(row.theme_id, name, int(row.records), sentiment, row.last_at))
    return found
