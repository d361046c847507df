"""Text analytics operations: analyse records in batches, keep theme assignments current, and read results.

Nothing here commits except `analyse_batch`, which is called only by the background job: it releases the
database while the model runs, so a long batch never blocks writers.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from voxpop.feedback import service as feedback_service
from voxpop.kit import clock
from voxpop.kit.hooks import Hook
from voxpop.kit.jobs import enqueue
from voxpop.kit.settings import Settings, get_settings
from voxpop.text import embeddings, pipeline, repository, themes
from voxpop.text.components import Doc, Options

ANALYSE = "text.analyse"
ANALYSED: Hook[[Session, uuid.UUID]] = Hook("text.analysed")
"""A batch of the workspace's records was analysed and committed: (session, workspace id)."""
FIRST_DISCOVERY_SENTENCES = 300
DEFER_SECONDS = 15  # how long an analysis job waits when another runner analyses the same workspace
REFINE_GROWTH = 2
"""Themes nobody has touched are discovered again each time the analysed sentences have doubled."""
MENTION_CHUNK = 5000
RATE_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class AnalysisProgress:
    """How far the analysis of a workspace's texts has got: `analysed` of `total` records with text are
    analysed by the current pipeline; the recent rate and the time left (None when there is no recent
    work to judge by); and from how many analysed records the current themes were discovered."""

    analysed: int
    total: int
    per_minute: float | None
    minutes_left: float | None
    themes_from: int | None

    @property
    def in_progress(self) -> bool:
        return self.analysed < self.total


@dataclass(frozen=True)
class ThemeMentions:
    """Of the records asked about: those whose text was analysed, and per top-level theme the records that
    mention it (itself or a sub-theme), each with (positive sentences, sentences) on the theme."""

    analysed: frozenset[uuid.UUID]
    by_theme: dict[uuid.UUID, dict[uuid.UUID, tuple[int, int]]]


def options(settings: Settings | None = None) -> Options:
    settings = settings or get_settings()
    return Options(
        model=settings.text_model,
        backend=settings.text_backend,
        sentiment_head=settings.text_sentiment_head,
        max_chars=settings.max_text_chars,
        phone_region=settings.default_phone_region,
        mask_names=settings.text_mask_names,
        languages=tuple(settings.text_languages),
    )


def version(settings: Settings | None = None) -> str:
    return pipeline.version_key(pipeline.DEFAULT_COMPONENTS, options(settings))


def request_analysis(session: Session, workspace_id: uuid.UUID) -> None:
    """Ask for the workspace's new or changed texts to be analysed (one pending job at most)."""
    if not repository.pending_job(session, workspace_id, ANALYSE):
        enqueue(session, ANALYSE, {"workspace_id": str(workspace_id)}, workspace_id=workspace_id)


def defer_if_analysed_elsewhere(session: Session, workspace_id: uuid.UUID, job_id: uuid.UUID) -> bool:
    """One analysis at a time per workspace: two workers analysing the same stale records would both write
    their analyses. When another runner is at it, this job leaves a continuation for later and stops."""
    alive_since = clock.now() - timedelta(seconds=get_settings().job_lease_seconds)
    if not repository.other_running_job(session, workspace_id, ANALYSE, job_id, alive_since):
        return False
    if not repository.pending_job(session, workspace_id, ANALYSE):
        later = enqueue(session, ANALYSE, {"workspace_id": str(workspace_id)}, workspace_id=workspace_id)
        later.run_after = clock.now() + timedelta(seconds=DEFER_SECONDS)
    return True


def analyse_batch(session: Session, workspace_id: uuid.UUID, settings: Settings | None = None) -> int:
    """Analyse up to one batch of records needing it, store the results, commit; returns how many."""
    settings = settings or get_settings()
    pipeline_version = version(settings)  # hashes the model files: once per batch, not per record
    rows = repository.stale_feedback(session, workspace_id, pipeline_version, settings.text_batch_records)
    session.commit()
    if not rows:
        return 0
    docs = pipeline.analyse_texts([text for _, text, _ in rows], options(settings))
    theme_set = themes.theme_set(session, workspace_id)
    _store(session, workspace_id, rows, docs, theme_set, settings, pipeline_version)
    session.commit()
    return len(rows)


def _store(
    session: Session,
    workspace_id: uuid.UUID,
    rows: Sequence[tuple[uuid.UUID, str, datetime]],
    docs: Sequence[Doc],
    theme_set: themes.ThemeSet,
    settings: Settings,
    pipeline_version: str,
) -> None:
    analyses: list[dict[str, Any]] = []
    sentences: list[dict[str, Any]] = []
    signals: list[dict[str, Any]] = []
    for (feedback_id, _, updated_at), doc in zip(rows, docs, strict=True):
        analyses.append(_analysis_row(feedback_id, doc, pipeline_version, theme_set.version, updated_at))
        sentences.extend(_sentence_rows(feedback_id, doc, theme_set, settings.theme_min_similarity))
        signals.extend(
            {
                "feedback_id": feedback_id,
                "kind": s.kind,
                "detail": s.detail,
                "sentence_position": s.sentence_index,
                "phrase": s.phrase[:300],
            }
            for s in doc.signals
        )
    repository.replace_analyses(session, workspace_id, analyses, sentences, signals)
    if settings.text_redact_source:
        changed = [
            (fid, raw, doc.text) for (fid, raw, _), doc in zip(rows, docs, strict=True) if doc.text != raw
        ]
        feedback_service.replace_texts(session, workspace_id, changed)


def _analysis_row(
    feedback_id: uuid.UUID, doc: Doc, pipeline_version: str, themes_version: str, source_updated_at: datetime
) -> dict[str, Any]:
    return {
        "feedback_id": feedback_id,
        "version": pipeline_version,
        "themes_version": themes_version,
        "language": doc.language,
        "supported": doc.supported,
        "sentiment_label": doc.sentiment.label if doc.sentiment else None,
        "sentiment_score": doc.sentiment.score if doc.sentiment else None,
        "details": {"flags": doc.flags, "redactions": dict(doc.redactions), "text": doc.text},
        "analysed_at": clock.now(),
        "source_updated_at": source_updated_at,
    }


def _sentence_rows(
    feedback_id: uuid.UUID, doc: Doc, theme_set: themes.ThemeSet, min_similarity: float
) -> list[dict[str, Any]]:
    pieces = [s for s in doc.sentences if s.embedding is not None]
    vectors = embeddings.from_bytes(
        [embeddings.to_bytes(s.embedding) for s in pieces if s.embedding is not None]
    )
    assigned = theme_set.assign(vectors, min_similarity)
    return [
        {
            "feedback_id": feedback_id,
            "position": position,
            "start": s.start,
            "end": s.end,
            "text": s.text,
            "language": s.language,
            "sentiment_label": s.sentiment.label if s.sentiment else None,
            "sentiment_score": s.sentiment.score if s.sentiment else None,
            "embedding": embeddings.to_bytes(s.embedding) if s.embedding is not None else b"",
            "theme_id": theme if s.supported else None,
            "theme_similarity": similarity if s.supported else None,
        }
        for position, (s, (theme, similarity)) in enumerate(zip(pieces, assigned, strict=True))
    ]


def reassign_batch(session: Session, workspace_id: uuid.UUID, settings: Settings | None = None) -> int:
    """Re-assign the sentences of up to 1,000 records analysed against an older theme set; returns how many."""
    settings = settings or get_settings()
    theme_set = themes.theme_set(session, workspace_id)
    feedback_ids = repository.analyses_with_stale_themes(session, workspace_id, theme_set.version, 1000)
    if not feedback_ids:
        return 0
    stored = [s for s in repository.sentences_of(session, workspace_id, feedback_ids) if s.sentiment_label]
    assigned = theme_set.assign(
        embeddings.from_bytes([s.embedding for s in stored]), settings.theme_min_similarity
    )
    repository.set_sentence_themes(
        session,
        [
            {"id": s.id, "theme_id": t, "theme_similarity": sim}
            for s, (t, sim) in zip(stored, assigned, strict=True)
        ],
    )
    repository.mark_themes_version(session, workspace_id, feedback_ids, theme_set.version)
    return len(feedback_ids)


def discover_if_due(session: Session, workspace_id: uuid.UUID) -> bool:
    """Discovery runs by itself, while the backlog is still being analysed: first once a workspace has 300
    analysed sentences, then again each time they have doubled, as long as some discovered theme is still
    provisional (nobody has touched it, and it was found from fewer sentences than discovery samples)."""
    seen = themes.provisional_since(session, workspace_id)
    if seen == themes.SETTLED:
        return False
    records, count = repository.analysed_counts(session, workspace_id)
    if count < max(FIRST_DISCOVERY_SENTENCES, REFINE_GROWTH * seen):
        return False
    return themes.refine(session, workspace_id, records, count)


def analysis_progress(session: Session, workspace_id: uuid.UUID) -> AnalysisProgress:
    """Records analysed n of N, the rate over the last ten minutes and the time left at that rate, and how
    many records the themes were discovered from."""
    now = clock.now()
    counts = repository.analysis_counts(session, workspace_id, version(), now - RATE_WINDOW)
    analysed, total, recent = int(counts.current), int(counts.total), int(counts.recent)
    per_minute = minutes_left = None
    if recent and counts.earliest is not None:
        span = max((now - counts.earliest).total_seconds(), 60.0)
        per_minute = recent * 60.0 / span
        minutes_left = (total - analysed) / per_minute
    return AnalysisProgress(
        analysed, total, per_minute, minutes_left, themes.discovered_from(session, workspace_id)
    )


def theme_mentions(
    session: Session,
    workspace_id: uuid.UUID,
    feedback_ids: Sequence[uuid.UUID],
    theme_ids: Sequence[uuid.UUID],
) -> ThemeMentions:
    """Which of the records mention which of the top-level themes (read in chunks: any number of records)."""
    analysed: set[uuid.UUID] = set()
    by_theme: dict[uuid.UUID, dict[uuid.UUID, tuple[int, int]]] = {theme: {} for theme in theme_ids}
    for start in range(0, len(feedback_ids), MENTION_CHUNK):
        chunk = feedback_ids[start : start + MENTION_CHUNK]
        analysed.update(repository.analysed_among(session, workspace_id, chunk))
        for row in (
            repository.theme_sentence_counts(session, workspace_id, chunk, theme_ids) if theme_ids else []
        ):
            by_theme[row.theme_id][row.feedback_id] = (int(row.positive), int(row.sentences))
    return ThemeMentions(frozenset(analysed), by_theme)
