"""Text analytics: the API — record analyses, themes and their curation, ideas, search."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from sqlalchemy import Select
from sqlalchemy.orm import Session

from voxpop.insight import theme_impact as theme_impact_service
from voxpop.insight.filters import Filters, FiltersDep
from voxpop.insight.service import SliceQuery, matching_ids
from voxpop.kit.errors import Invalid, NotFound, Problem
from voxpop.kit.jobs import enqueue
from voxpop.kit.settings import get_settings
from voxpop.text import explore, jobs, service, themes
from voxpop.text.schemas import MergeIn, SearchHit, ThemeChange, ThemeIn, ThemeOut
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


@router.get("/themes")
def list_themes(session: SessionDep, caller: Reader) -> list[ThemeOut]:
    return [
        ThemeOut.model_validate(asdict(view)) for view in explore.theme_tree(session, caller.workspace_id)
    ]


@router.get("/themes/impact")
def theme_impact(
    session: SessionDep,
    caller: Reader,
    metric: Literal["nps", "csat", "ces", "rating"] = "nps",
    level: Literal["theme", "sub"] = "theme",
    since: date | None = None,
    until: date | None = None,
) -> dict[str, Any]:
    """Each theme's impact on a score in points (all minus those not mentioning it), with a 95 % interval,
    its reach and volume; most negative first ("what to fix first"), positive last ("what to protect")."""
    query = SliceQuery(metric=metric, since=since, until=until)
    overall, found = theme_impact_service.impacts(
        session, caller.workspace_id, query, top_level=level == "theme"
    )
    names = {view.id: view.name for view in _all_views(session, caller.workspace_id)}
    return {
        "metric": metric,
        "overall": asdict(overall),
        "themes": [{"name": names.get(i.theme_id, "?"), **asdict(i)} for i in found],
    }


def _all_views(session: Session, workspace_id: uuid.UUID) -> list[explore.ThemeView]:
    tree = explore.theme_tree(session, workspace_id)
    return [*tree, *(child for view in tree for child in view.children)]


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


@router.get("/search")
def search(
    session: SessionDep,
    caller: Reader,
    chosen: FiltersDep,
    response: Response,
    q: Annotated[str | None, Query(max_length=500)] = None,
    mode: Literal["words", "meaning"] = "words",
    like: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> list[SearchHit]:
    """Verbatims by words (`q`), by meaning (`q` with mode=meaning), or "more like this" record (`like`),
    among the records the analytics filters choose (`where`, `missing`, `since`, `until`, …). A search by
    meaning scores the most recent sentences up to a budget; the `X-Searched-Sentences` header says how
    many, and `X-Search-Complete: false` that older ones were left out (narrow the dates to reach them)."""
    workspace_id = caller.workspace_id
    among = records_among(session, workspace_id, chosen)
    if like is not None:
        nearest = explore.similar_records(session, workspace_id, like, limit, among)
    elif not q or not q.strip():
        raise Invalid("q: give words to search for, or like=<record id>", [Problem("missing", "q")])
    elif mode == "words":
        return [
            _hit(record, None)
            for record in explore.search_words(session, workspace_id, q.strip(), limit, among)
        ]
    else:
        nearest = explore.semantic_search(session, workspace_id, q, get_settings().text_model, limit, among)
    response.headers["X-Searched-Sentences"] = str(nearest.searched)
    response.headers["X-Search-Complete"] = "true" if nearest.complete else "false"
    return _hits(session, workspace_id, nearest.hits)


def records_among(session: Session, workspace_id: uuid.UUID, chosen: Filters) -> Select[Any] | None:
    """The ids of the records the filters choose, or None when no filter is set (every record)."""
    return matching_ids(session, workspace_id, chosen.query("")) if chosen.narrows() else None


def _hits(session: Session, workspace_id: uuid.UUID, found: list[tuple[uuid.UUID, float]]) -> list[SearchHit]:
    records = explore.records(session, workspace_id, [fid for fid, _ in found])
    return [_hit(records[fid], score) for fid, score in found if fid in records]


def _hit(record: Any, score: float | None) -> SearchHit:
    return SearchHit(
        feedback_id=record.id,
        score=score,
        text=record.text or "",
        received_at=record.received_at.isoformat(),
        channel=record.channel,
    )
