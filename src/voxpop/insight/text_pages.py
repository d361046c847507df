"""The text pages that stand on the figures and their filters (moved from the text domain, which sits below
insight): what to fix first and what to protect (theme impact), and search among the filtered records."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Select
from sqlalchemy.orm import Session

from voxpop.customer.pages import names_for
from voxpop.insight import theme_impact
from voxpop.insight.filters import FiltersDep
from voxpop.insight.service import SliceQuery
from voxpop.insight.text_routes import records_among
from voxpop.kit.settings import get_settings
from voxpop.text import explore
from voxpop.text import service as text_service
from voxpop.web.deps import SessionDep
from voxpop.web.pages import PageDep, render

router = APIRouter(include_in_schema=False)


@router.get("/themes/impact")
def impact_page(
    request: Request,
    session: SessionDep,
    page: PageDep,
    metric: Literal["nps", "csat", "ces", "rating"] = "nps",
) -> HTMLResponse:
    """What to fix first (negative impact) and what to protect (positive impact), with volume and trend."""
    workspace_id = page.principal.workspace_id
    overall, found = theme_impact.impacts(session, workspace_id, SliceQuery(metric=metric))
    tree = explore.theme_tree(session, workspace_id)
    return render(
        request,
        "insight/theme_impact.html",
        page=page,
        metric=metric,
        overall=overall,
        fix=[i for i in found if i.impact < 0],
        protect=[i for i in reversed(found) if i.impact >= 0],
        views={view.id: view for view in tree},
        trends=explore.monthly_volumes(session, workspace_id),
    )


@router.get("/search")
def search_page(
    request: Request,
    session: SessionDep,
    page: PageDep,
    chosen: FiltersDep,
    q: Annotated[str, Query(max_length=500)] = "",
    mode: Literal["words", "meaning"] = "words",
    like: uuid.UUID | None = None,
) -> HTMLResponse:
    workspace_id = page.principal.workspace_id
    among = records_among(session, workspace_id, chosen)
    hits, nearest = _search(session, workspace_id, q.strip(), mode, like, among)
    return render(
        request,
        "insight/search.html",
        page=page,
        q=q,
        mode=mode,
        like=like,
        hits=hits,
        customers=names_for(session, page, [hit["record"].customer_id for hit in hits]),
        nearest=nearest,
        filters=chosen,
        progress=text_service.analysis_progress(session, workspace_id),
    )


def _search(
    session: Session,
    workspace_id: uuid.UUID,
    q: str,
    mode: str,
    like: uuid.UUID | None,
    among: Select[Any] | None,
) -> tuple[list[dict[str, Any]], explore.Nearest | None]:
    """The hits, and for a search by meaning what it searched. Words typed in win over "more like this",
    whose record the form carries along with the filters."""
    if q and mode == "words":
        words = explore.search_words(session, workspace_id, q, 50, among)
        return [{"record": r, "score": None} for r in words], None
    if q:
        nearest = explore.semantic_search(session, workspace_id, q, get_settings().text_model, 30, among)
    elif like is not None:
        nearest = explore.similar_records(session, workspace_id, like, 30, among)
    else:
        return [], None
    records = explore.records(session, workspace_id, [fid for fid, _ in nearest.hits])
    hits = [{"record": records[fid], "score": score} for fid, score in nearest.hits if fid in records]
    return hits, nearest
