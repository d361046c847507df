"""Text analytics: the API — record analyses, themes and their curation, ideas. (Theme impact and search
stand on the analytics filters: `insight/text_routes.py`.)"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session

from voxpop.kit.errors import Invalid, NotFound, Problem
from voxpop.kit.jobs import enqueue
from voxpop.kit.settings import get_settings
from voxpop.text import explore, jobs, service, themes
from voxpop.text.schemas import AnalysisProgressOut, MergeIn, ThemeChange, ThemeIn, ThemeOut
from voxpop.web.deps import Reader, SessionDep, Writer

router = APIRouter(prefix="/api/v1", tags=["text"])


@router.get("/feedback/{feedback_id}/analysis")
def get_analysis(feedback_id: uuid.UUID, session: SessionDep, caller: Reader) -> dict[str, Any]:
    """Language, redacted text, sentiment per record and per sentence, themes and signals of one record."""
    analysis = explore.record_analysis(session, caller.workspace_id, feedback_id)
    if analysis is None:
        raise NotFound("analysis (the record does not exist, has no text, or is not analysed yet)")
    return analysis


@router.post("/text/reanalyse", status_code=202)
def reanalyse(session: SessionDep, caller: Writer) -> dict[str, str]:
    """Analyse again whatever is new or was made by another pipeline version (in the background)."""
    service.request_analysis(session, caller.workspace_id)
    session.commit()
    return {"status": "queued"}


@router.get("/analysis/progress")
def analysis_progress(session: SessionDep, caller: Reader) -> AnalysisProgressOut:
    """How far the analysis of the workspace's texts has got: records analysed of those with text, the rate
    over the last ten minutes, the minutes left at that rate, and how many records the themes come from."""
    found = service.analysis_progress(session, caller.workspace_id)
    return AnalysisProgressOut(
        analysed=found.analysed,
        total=found.total,
        in_progress=found.in_progress,
        records_per_minute=None if found.per_minute is None else round(found.per_minute, 1),
        minutes_left=None if found.minutes_left is None else round(found.minutes_left, 1),
        themes_from_records=found.themes_from,
    )


@router.get("/themes")
def list_themes(session: SessionDep, caller: Reader) -> list[ThemeOut]:
    return [
        ThemeOut.model_validate(asdict(view)) for view in explore.theme_tree(session, caller.workspace_id)
    ]


@router.get("/themes/{theme_id}")
def get_theme(theme_id: uuid.UUID, session: SessionDep, caller: Reader) -> dict[str, Any]:
    detail = explore.theme_detail(session, caller.workspace_id, theme_id)
    theme = detail.pop("theme")
    return {
        "id": theme.id,
        "name": theme.name,
        "status": theme.status,
        "parent_id": theme.parent_id,
        **detail,
    }


@router.post("/themes/discover", status_code=202)
def discover_themes(session: SessionDep, caller: Writer) -> dict[str, str]:
    """Run discovery again in the background: what is new becomes proposals; curated themes stay."""
    enqueue(
        session, jobs.DISCOVER, {"workspace_id": str(caller.workspace_id)}, workspace_id=caller.workspace_id
    )
    session.commit()
    return {"status": "queued"}


@router.post("/themes", status_code=201)
def add_theme(body: ThemeIn, session: SessionDep, caller: Writer) -> dict[str, Any]:
    theme = themes.add(
        session, caller.workspace_id, body.name, body.examples, get_settings().text_model, body.parent_id
    )
    return _curated(session, caller.workspace_id, theme.id)


@router.patch("/themes/{theme_id}")
def change_theme(
    theme_id: uuid.UUID, body: ThemeChange, session: SessionDep, caller: Writer
) -> dict[str, Any]:
    if body.name is None and not body.move and body.status is None:
        raise Invalid("nothing to change", [Problem("give name, status, or move with parent_id", "body")])
    if body.name is not None:
        themes.rename(session, caller.workspace_id, theme_id, body.name)
    if body.move:
        themes.move(session, caller.workspace_id, theme_id, body.parent_id)
    if body.status is not None:
        themes.accept(session, caller.workspace_id, theme_id)
    return _curated(session, caller.workspace_id, theme_id)


@router.post("/themes/{theme_id}/merge")
def merge_theme(theme_id: uuid.UUID, body: MergeIn, session: SessionDep, caller: Writer) -> dict[str, Any]:
    target = themes.merge(session, caller.workspace_id, theme_id, body.target_id)
    return _curated(session, caller.workspace_id, target.id)


@router.post("/themes/{theme_id}/split", status_code=201)
def split_theme(theme_id: uuid.UUID, session: SessionDep, caller: Writer) -> list[dict[str, Any]]:
    made = themes.split(session, caller.workspace_id, theme_id)
    service.request_analysis(session, caller.workspace_id)
    session.commit()
    return [{"id": t.id, "name": t.name, "parent_id": t.parent_id} for t in made]


@router.delete("/themes/{theme_id}", status_code=204)
def delete_theme(theme_id: uuid.UUID, session: SessionDep, caller: Writer) -> None:
    themes.delete(session, caller.workspace_id, theme_id)
    service.request_analysis(session, caller.workspace_id)
    session.commit()


def _curated(session: Session, workspace_id: uuid.UUID, theme_id: uuid.UUID) -> dict[str, Any]:
    """After an edit: queue re-assignment of sentences, commit, and answer with the theme."""
    service.request_analysis(session, workspace_id)
    session.commit()
    theme = themes.get(session, workspace_id, theme_id)
    return {
        "id": theme.id,
        "name": theme.name,
        "status": theme.status,
        "parent_id": theme.parent_id,
        "edited": theme.edited,
    }


@router.get("/ideas")
def list_ideas(session: SessionDep, caller: Reader) -> list[dict[str, Any]]:
    """Distinct requests customers made, with how many customers asked for each."""
    return [asdict(idea) for idea in explore.ideas(session, caller.workspace_id)]
