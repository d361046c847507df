"""Themes come while the backlog is analysed, not only after it: proposed from the first analysed sentences,
refined as more arrive (a person's curation kept), and the pages and the API say how far analysis has got."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import make_tenant, writing
from tests.text.factories import analyse_all, store_texts, verbatims
from tests.text.test_themes import discovered_workspace
from voxpop.kit import clock
from voxpop.kit.jobs import runner
from voxpop.kit.settings import get_settings
from voxpop.text import explore, jobs, service, themes
from voxpop.text.models import TextSentence, Theme


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The analysis job does one batch of 60 records per run, and first discovers at 60 sentences."""
    monkeypatch.setenv("VOXPOP_TEXT_BATCH_RECORDS", "60")
    monkeypatch.setattr(jobs, "BUDGET_SECONDS", 0.0)
    monkeypatch.setattr(service, "FIRST_DISCOVERY_SENTENCES", 60)
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def queue_analysis(session: Session, workspace_id: uuid.UUID) -> None:
    with writing(session) as writer:
        service.request_analysis(writer, workspace_id)


def test_themes_appear_before_the_backlog_ends_and_are_refined_as_it_is_worked(
    session: Session, small_batches: None
) -> None:
    workspace_id = make_tenant(session).workspace_id
    store_texts(session, workspace_id, [text for _, text in verbatims(120)])  # 360 one-sentence records
    queue_analysis(session, workspace_id)
    seen: list[tuple[int, int | None, int]] = []
    while runner.run_due_jobs(limit=1):  # one job run at a time: each analyses one batch
        session.rollback()
        found = service.analysis_progress(session, workspace_id)
        seen.append((found.analysed, found.themes_from, len(explore.theme_tree(session, workspace_id))))
    analysed, themes_from, theme_count = seen[0]
    assert (analysed, themes_from) == (60, 60) and theme_count >= 3  # themes after the first batch of six
    assert [from_ for _, from_, _ in seen if from_] == sorted(from_ for _, from_, _ in seen if from_)
    assert seen[-1][:2] == (360, 240)  # refined at 120 and 240 sentences, not re-run after that
    unassigned = session.scalars(
        select(TextSentence.text).where(
            TextSentence.workspace_id == workspace_id, TextSentence.theme_id.is_(None)
        )
    ).all()
    assert len(unassigned) < 36


def test_a_rename_made_during_the_backlog_is_kept_by_later_refinements(
    session: Session, small_batches: None
) -> None:
    workspace_id = make_tenant(session).workspace_id
    store_texts(session, workspace_id, [text for _, text in verbatims(120)])
    queue_analysis(session, workspace_id)
    while not explore.theme_tree(session, workspace_id):
        assert runner.run_due_jobs(limit=1)
        session.rollback()
    first = explore.theme_tree(session, workspace_id)[0]
    with writing(session) as writer:
        themes.rename(writer, workspace_id, first.id, "What we call it")
    while runner.run_due_jobs():
        pass
    session.rollback()
    kept = session.get(Theme, first.id)
    assert kept is not None and kept.name == "What we call it" and kept.status == "active"
    assert service.analysis_progress(session, workspace_id).themes_from == 240
    assert session.scalar(select(TextSentence.id).where(TextSentence.theme_id == first.id).limit(1)), (
        "sentences are still assigned to the renamed theme"
    )


def test_a_sentence_unlike_every_theme_stays_unassigned(session: Session) -> None:
    workspace_id, _ = discovered_workspace(session)
    [odd] = store_texts(session, workspace_id, ["Zebras migrate across the Serengeti plains every spring."])
    [usual] = store_texts(session, workspace_id, ["The delivery arrived nine days late."])
    analyse_all(session, workspace_id)
    session.rollback()
    theme_of = dict(
        session.execute(
            select(TextSentence.feedback_id, TextSentence.theme_id).where(
                TextSentence.feedback_id.in_([odd, usual])
            )
        ).all()
    )
    assert theme_of[odd] is None and theme_of[usual] is not None


def test_progress_counts_records_analysed_and_estimates_the_time_left(session: Session) -> None:
    workspace_id = make_tenant(session).workspace_id
    store_texts(session, workspace_id, [text for _, text in verbatims(40)])  # 120 records
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    settings = get_settings().model_copy(update={"text_batch_records": 30})
    try:
        clock.set_clock(lambda: start)
        assert service.analysis_progress(session, workspace_id).per_minute is None
        with writing(session) as writer:
            assert service.analyse_batch(writer, workspace_id, settings) == 30
        clock.set_clock(lambda: start + timedelta(minutes=2))
        session.rollback()
        found = service.analysis_progress(session, workspace_id)
        assert (found.analysed, found.total, found.in_progress) == (30, 120, True)
        assert found.per_minute == pytest.approx(15.0) and found.minutes_left == pytest.approx(6.0)
        with writing(session) as writer:
            while service.analyse_batch(writer, workspace_id, settings):
                pass
        session.rollback()
        done = service.analysis_progress(session, workspace_id)
        assert (done.analysed, done.total, done.in_progress, done.minutes_left) == (120, 120, False, 0.0)
    finally:
        clock.reset_clock()


def test_the_api_and_the_pages_say_how_far_analysis_has_got(session: Session, http: httpx.Client) -> None:
    tenant = make_tenant(session)
    store_texts(session, tenant.workspace_id, [text for _, text in verbatims(10)])
    response = http.get("/api/v1/analysis/progress", headers=tenant.headers())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == 30 and 0 <= body["analysed"] <= 30
    assert set(body) == {
        "analysed",
        "total",
        "in_progress",
        "records_per_minute",
        "minutes_left",
        "themes_from_records",
    }
    other = make_tenant(session)
    assert http.get("/api/v1/analysis/progress", headers=other.headers()).json()["total"] == 0
    assert http.get("/api/v1/analysis/progress").status_code == 401


def test_the_progress_note_names_records_done_time_left_and_where_themes_come_from(session: Session) -> None:
    from voxpop.web.pages import templates

    note = templates.env.get_template("text/_progress.html").render(
        progress=service.AnalysisProgress(4_000, 21_000, 2_000.0, 8.5, 3_000)
    )
    assert "Analysis in progress: 4,000 of 21,000 records, about 9 min left." in " ".join(note.split())
    assert "Themes so far are from the first 3,000 records." in note
    finished = service.AnalysisProgress(21_000, 21_000, None, None, 21_000)
    assert templates.env.get_template("text/_progress.html").render(progress=finished).strip() == ""
