"""The API of the text views that stand on the figures and their filters (moved from the text domain, which
sits below insight): each theme's impact on a score, and search among the records the analytics filters
choose."""

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
from voxpop.kit.errors import Invalid, Problem
from voxpop.kit.settings import get_settings
from voxpop.text import explore
from voxpop.text.schemas import SearchHit
from voxpop.web.deps import Reader, SessionDep

router = APIRouter(prefix="/api/v1", tags=["text"])


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
