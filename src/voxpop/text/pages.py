"""Text analytics: server-rendered pages — themes explorer and editor, one theme, one record's analysis,
the ideas list. (Theme impact and search stand on the analytics filters: `insight/text_pages.py`.)"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from voxpop.auth.roles import Permission
from voxpop.customer.pages import names_for
from voxpop.feedback import service as feedback_service
from voxpop.kit.errors import DomainError, Invalid, Problem
from voxpop.kit.jobs import enqueue
from voxpop.kit.settings import get_settings
from voxpop.survey import answers as survey_answers
from voxpop.text import explore, jobs, service, themes
from voxpop.web.deps import SessionDep
from voxpop.web.pages import PageContext, PageDep, page_permission, render

router = APIRouter(include_in_schema=False)
Curator = Annotated[PageContext, Depends(page_permission(Permission.WRITE_DATA, "change themes"))]
Action = Literal["rename", "move", "merge", "split", "delete", "accept"]


@router.get("/themes")
def themes_page(
    request: Request, session: SessionDep, page: PageDep, error: str | None = None
) -> HTMLResponse:
    tree = explore.theme_tree(session, page.principal.workspace_id)
    progress = service.analysis_progress(session, page.principal.workspace_id)
    return render(request, "text/themes.html", page=page, tree=tree, error=error, progress=progress)


@router.post("/themes")
def add_theme(
    request: Request,
    session: SessionDep,
    page: Curator,
    name: Annotated[str, Form()] = "",
    examples: Annotated[str, Form()] = "",
    parent_id: Annotated[str, Form()] = "",
) -> Response:
    try:
        theme = themes.add(
            session,
            page.principal.workspace_id,
            name,
            examples.splitlines(),
            get_settings().text_model,
            _uuid_or_none(parent_id),
        )
    except DomainError as error:
        return _themes_with_error(request, session, page, error)
    return _done(session, page, f"/themes/{theme.id}")


@router.post("/themes/discover")
def discover(session: SessionDep, page: Curator) -> Response:
    workspace_id = page.principal.workspace_id
    enqueue(session, jobs.DISCOVER, {"workspace_id": str(workspace_id)}, workspace_id=workspace_id)
    session.commit()
    return RedirectResponse("/themes", status_code=303)


@router.get("/themes/{theme_id}")
def theme_page(
    theme_id: uuid.UUID, request: Request, session: SessionDep, page: PageDep, error: str | None = None
) -> HTMLResponse:
    detail = explore.theme_detail(session, page.principal.workspace_id, theme_id)
    others = [v for v in explore.theme_tree(session, page.principal.workspace_id) if v.id != theme_id]
    busiest = max((row["records"] for row in detail["trend"]), default=0)
    customers = names_for(session, page, [e["customer_id"] for e in detail["examples"]])
    return render(
        request,
        "text/theme.html",
        page=page,
        others=others,
        busiest=busiest,
        error=error,
        customers=customers,
        **detail,
    )


@router.post("/themes/{theme_id}")
def edit_theme(
    theme_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    page: Curator,
    action: Annotated[Action, Form()],
    name: Annotated[str, Form()] = "",
    target_id: Annotated[str, Form()] = "",
) -> Response:
    """One form per curation action; each edit marks the theme as curated and queues re-assignment."""
    workspace_id = page.principal.workspace_id
    try:
        landing = _apply(session, workspace_id, theme_id, action, name, _uuid_or_none(target_id))
    except DomainError as error:
        session.rollback()
        if action in ("delete", "merge", "split"):
            return _themes_with_error(request, session, page, error)
        return theme_page(theme_id, request, session, page, error=error.message)
    return _done(session, page, landing)


def _apply(
    session: Session,
    workspace_id: uuid.UUID,
    theme_id: uuid.UUID,
    action: Action,
    name: str,
    target: uuid.UUID | None,
) -> str:
    if action == "rename":
        themes.rename(session, workspace_id, theme_id, name)
    elif action == "move":
        themes.move(session, workspace_id, theme_id, target)
    elif action == "accept":
        themes.accept(session, workspace_id, theme_id)
    elif action == "merge":
        if target is None:
            raise Invalid("choose the theme to merge into", [Problem("missing", "target_id")])
        return f"/themes/{themes.merge(session, workspace_id, theme_id, target).id}"
    elif action == "split":
        themes.split(session, workspace_id, theme_id)
    else:
        themes.delete(session, workspace_id, theme_id)
        return "/themes"
    return f"/themes/{theme_id}"


def _done(session: Session, page: PageContext, landing: str) -> Response:
    service.request_analysis(session, page.principal.workspace_id)
    session.commit()
    return RedirectResponse(landing, status_code=303)


def _themes_with_error(
    request: Request, session: Session, page: PageContext, error: DomainError
) -> HTMLResponse:
    session.rollback()
    tree = explore.theme_tree(session, page.principal.workspace_id)
    progress = service.analysis_progress(session, page.principal.workspace_id)
    return render(
        request, "text/themes.html", 422, page=page, tree=tree, error=error.message, progress=progress
    )


def _uuid_or_none(value: str) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Invalid("not a theme id", [Problem("not a valid id", "target_id")]) from None


@router.get("/feedback/{feedback_id}")
def record_page(feedback_id: uuid.UUID, request: Request, session: SessionDep, page: PageDep) -> HTMLResponse:
    workspace_id = page.principal.workspace_id
    record = feedback_service.get(session, workspace_id, feedback_id)
    analysis = explore.record_analysis(session, workspace_id, feedback_id)
    return render(
        request,
        "text/record.html",
        page=page,
        record=record,
        analysis=analysis,
        customers=names_for(session, page, [record.customer_id]),
        survey=survey_answers.of_record(session, workspace_id, record.source, record.external_id),
    )


@router.get("/ideas")
def ideas_page(request: Request, session: SessionDep, page: PageDep) -> HTMLResponse:
    workspace_id = page.principal.workspace_id
    return render(
        request,
        "text/ideas.html",
        page=page,
        ideas=explore.ideas(session, workspace_id),
        progress=service.analysis_progress(session, workspace_id),
    )
