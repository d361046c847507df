"""The respondent's pages at `/s/<slug>`: plain HTML forms (post, then redirect), so they work without
JavaScript; no cookies, no third-party requests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from voxpop.kit.db import is_postgres, session_scope
from voxpop.survey import protection, respond, service, views
from voxpop.survey.respond import Form, Visit
from voxpop.web.deps import SessionDep
from voxpop.web.pages import templates

router = APIRouter(include_in_schema=False)
HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}

FormDep = Annotated[dict[str, list[str]], Depends(protection.read_form)]


def _query(request: Request) -> Form:
    out: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        out.setdefault(name, []).append(value)
    return out


def resume_path(visit: Visit) -> str:
    return f"/s/{visit.survey.slug}/r/{visit.key}"


def _show(request: Request, visit: Visit, status: int = 200) -> HTMLResponse:
    if visit.page is None:
        ui = views.ui_strings(visit.language)
        context: dict[str, Any] = {
            "title": visit.survey.name,
            "text": views.thanks_text(visit),
            "ui": ui,
            "language": visit.language,
        }
        return templates.TemplateResponse(
            request, "survey/thanks.html", context, status_code=status, headers=HEADERS
        )
    view = views.page_view(visit)
    context = {"view": view, "action": resume_path(visit), "language": view.language}
    return templates.TemplateResponse(
        request, "survey/page.html", context, status_code=status, headers=HEADERS
    )


@router.get("/s/{slug}")
def open_survey(slug: str, request: Request, session: SessionDep) -> Response:
    """The first page; `?t=` a personal token, `?lang=` a language, `?q_<id>=` a prefilled answer, and the
    survey's hidden fields by name."""
    visit = respond.open_link(session, slug, _query(request), request.headers.get("accept-language"))
    if visit.start is None:
        return RedirectResponse(resume_path(visit), status_code=303, headers=HEADERS)
    return _show(request, visit)


@router.get("/s/{slug}/r/{key}")
def resume_survey(slug: str, key: str, request: Request, session: SessionDep) -> Response:
    return _show(request, respond.resume(session, slug, key, request.query_params.get("lang")))


@router.post("/s/{slug}/r/{key}")
async def save_page(slug: str, key: str, request: Request, form: FormDep) -> Response:
    """Saves one page; refused answers come back on the page, next to their question, with status 422."""
    address = request.client.host if request.client else "unknown"
    protection.check_rate(address, slug)
    if protection.is_bot(form):
        return RedirectResponse(f"/s/{slug}/thanks", status_code=303, headers=HEADERS)
    return await run_in_threadpool(_save_and_reply, request, slug, key, form)


def _save_and_reply(request: Request, slug: str, key: str, form: Form) -> Response:
    """The session, the save and the reply in one trip to a worker thread (a session dependency and a sync
    route would take three)."""
    with session_scope() as session:
        with _one_writer(session):
            try:
                visit = _save(session, slug, key, form)
            except IntegrityError:  # the same new response or personal link, saved at once elsewhere
                session.rollback()
                visit = _save(session, slug, key, form)  # now finds the other save's response
        if visit.problems:
            return _show(request, visit, status=422)
    return RedirectResponse(resume_path(visit), status_code=303, headers=HEADERS)


def _save(session: Session, slug: str, key: str, form: Form) -> Visit:
    visit = respond.save_page(session, slug, key, form)
    if visit.problems:
        session.rollback()
    else:
        session.commit()
    return visit


_SQLITE_WRITER = threading.Lock()


@contextmanager
def _one_writer(session: Session) -> Iterator[None]:
    """SQLite lets one connection write at a time; waiting in line here rather than in SQLite's busy loop
    (which sleeps up to 100 ms between tries) keeps the slowest answers fast. PostgreSQL needs no line."""
    if is_postgres(session):
        yield
        return
    with _SQLITE_WRITER:
        yield


@router.get("/s/{slug}/thanks")
def thanks(slug: str, request: Request, session: SessionDep) -> Response:
    """Where a refused bot is sent: looks like success, stores nothing."""
    survey = respond.live_survey(session, slug)
    context = {"title": survey.name, "text": "Thank you.", "ui": views.ui_strings("en"), "language": "en"}
    return templates.TemplateResponse(request, "survey/thanks.html", context, headers=HEADERS)


@router.get("/s/unsubscribe/{token}")
def unsubscribe_page(token: str, request: Request) -> Response:
    """Asks first: mail scanners open links, so only the button's post unsubscribes."""
    context = {
        "title": "Unsubscribe",
        "ui": views.ui_strings("en"),
        "language": "en",
        "token": token,
        "done": False,
    }
    return templates.TemplateResponse(request, "survey/unsubscribe.html", context, headers=HEADERS)


@router.post("/s/unsubscribe/{token}")
def unsubscribe(token: str, request: Request, session: SessionDep) -> Response:
    """The button, and one-click unsubscribe from mail clients (RFC 8058)."""
    service.unsubscribe(session, token)
    session.commit()
    context = {
        "title": "Unsubscribed",
        "ui": views.ui_strings("en"),
        "language": "en",
        "token": token,
        "done": True,
    }
    return templates.TemplateResponse(request, "survey/unsubscribe.html", context, headers=HEADERS)


def _first(form: Form, name: str) -> str | None:
    values = form.get(name)
    return values[0] if values else None
