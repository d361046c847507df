"""The app's first page after sign-in: what needs attention in the chosen period (`period`, `since`, `until`,
`compare`, as on every analysis page; the last 30 days against the 30 before by default)."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from voxpop.auth.roles import Permission
from voxpop.case import service as case_service
from voxpop.case.access import caller_of
from voxpop.home import service
from voxpop.insight.filters import parse_day
from voxpop.insight.window import COMPARISONS, PRESETS, check_comparison, resolve, today
from voxpop.kit.errors import Invalid
from voxpop.kit.settings import get_settings
from voxpop.web.deps import SessionDep
from voxpop.web.pages import PageDep, problems_by_field, render

router = APIRouter(include_in_schema=False)
DEFAULT_PERIOD = "30d"


@router.get("/")
def home_page(
    request: Request,
    session: SessionDep,
    page: PageDep,
    period: str | None = None,
    since: str | None = None,
    until: str | None = None,
    compare: str | None = None,
) -> HTMLResponse:
    began = time.perf_counter()
    problems: dict[str, list[str]] = {}
    try:
        first, last = parse_day("since", since), parse_day("until", until)
        window = resolve(period or (None if first or last else DEFAULT_PERIOD), first, last)
        comparison = check_comparison(compare)
    except Invalid as error:
        problems = problems_by_field(error.problems)
        window, comparison = resolve(DEFAULT_PERIOD, None, None), check_comparison(None)
    workspace_id = page.principal.workspace_id
    end = window.until or today()
    compared = window.compared_with(comparison)
    home = service.gather(session, workspace_id, window, compared, end)
    waiting = (
        case_service.waiting(session, caller_of(session, page.principal))
        if page.can(Permission.WORK_CASES)
        else None
    )
    return render(
        request,
        "home/home.html",
        422 if problems else 200,
        page=page,
        window=window,
        end=end,
        comparison=comparison,
        compared=compared,
        presets=PRESETS,
        comparisons=COMPARISONS,
        problems=problems,
        home=home,
        waiting=waiting,
        emerging=service.emerging_themes(session, workspace_id, window),
        labels=service.LABELS,
        formats=service.FORMATS,
        units=service.UNITS,
        in_words=service.in_words,
        field_label=service.field_label,
        min_n=get_settings().min_n,
        elapsed=time.perf_counter() - began,
    )
