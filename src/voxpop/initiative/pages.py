"""The initiative pages: the list with each one's verdict, the form to create or change one (no script
needed), and the impact view with its chart."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import ValidationError
from sqlalchemy.orm import Session

from voxpop.auth.roles import Permission
from voxpop.initiative import chart, impact, service
from voxpop.initiative.schemas import InitiativeChange, InitiativeIn, InitiativeOut
from voxpop.kit import clock
from voxpop.kit.errors import DomainError, Invalid, Problem, problems_from_errors
from voxpop.kit.settings import get_settings
from voxpop.kit.validation import LIFECYCLE_STAGES
from voxpop.text import explore as text_explore
from voxpop.web.deps import SessionDep
from voxpop.web.pages import PageContext, PageDep, page_permission, render

router = APIRouter(include_in_schema=False)
STATUSES = {"planned": "planned", "in_progress": "in progress", "done": "done", "cancelled": "cancelled"}
STAGES = sorted(set(LIFECYCLE_STAGES.values()))
FORM_FIELDS = ("name", "description", "owner", "status", "starts_on", "ends_on")
TARGET_FIELDS = ("themes", "touchpoints", "lifecycle_stages", "channels", "segments")
Text = Annotated[str, Form()]
Choices = Annotated[list[str], Form()]


def _posted(
    name: Text = "",
    description: Text = "",
    owner: Text = "",
    status: Text = "planned",
    starts_on: Text = "",
    ends_on: Text = "",
    themes: Choices = [],  # noqa: B006
    touchpoints: Text = "",
    lifecycle_stages: Choices = [],  # noqa: B006
    channels: Text = "",
    segments: Text = "",
) -> dict[str, Any]:
    """The form's fields as typed, to check and, when refused, to show again."""
    given = locals()
    return {field: given[field] for field in (*FORM_FIELDS, *TARGET_FIELDS)}


Posted = Annotated[dict[str, Any], Depends(_posted)]
InitiativeManager = Annotated[
    PageContext, Depends(page_permission(Permission.MANAGE_RULES, "create or change initiatives"))
]


def _theme_names(session: Session, workspace_id: uuid.UUID) -> dict[uuid.UUID, str]:
    return {view.id: view.name for view in text_explore.theme_tree(session, workspace_id)}


def _today() -> date:
    return clock.now().date()


@router.get("/initiatives")
def initiatives_page(request: Request, session: SessionDep, page: PageDep) -> HTMLResponse:
    workspace_id = page.principal.workspace_id
    found = service.list_of(session, workspace_id)
    names = _theme_names(session, workspace_id)
    verdicts = {i.id: impact.impact(session, i, names, _today()).verdict for i in found}
    return render(
        request,
        "initiative/list.html",
        page=page,
        initiatives=service.describe(session, found),
        verdicts=verdicts,
        names=names,
        statuses=STATUSES,
    )


@router.get("/initiatives/new")
def new_page(request: Request, session: SessionDep, page: InitiativeManager) -> HTMLResponse:
    form = {"owner": page.email, "status": "planned", "starts_on": _today().isoformat()}
    return _form(request, session, page, None, form, {})


@router.post("/initiatives")
def create(
    request: Request,
    session: SessionDep,
    page: InitiativeManager,
    form: Posted,
) -> Response:
    try:
        initiative = service.create(session, page.principal, InitiativeIn.model_validate(_body(form)))
    except (ValidationError, DomainError) as error:
        return _form(request, session, page, None, form, _problems(error))
    session.commit()
    return RedirectResponse(f"/initiatives/{initiative.id}", status_code=303)


@router.get("/initiatives/{initiative_id}")
def initiative_page(
    initiative_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    page: PageDep,
    before_days: Annotated[int | None, Query(ge=1, le=3650)] = None,
    after_days: Annotated[int | None, Query(ge=1, le=3650)] = None,
) -> HTMLResponse:
    workspace_id = page.principal.workspace_id
    initiative = service.get(session, workspace_id, initiative_id)
    names = _theme_names(session, workspace_id)
    found = impact.impact(session, initiative, names, _today(), before_days, after_days)
    title = f"Change since the start of “{initiative.name}”"
    return render(
        request,
        "initiative/detail.html",
        page=page,
        initiative=service.describe(session, [initiative])[0],
        impact=found,
        chart=Markup(chart.changes_chart(found.measures, title)),
        names=names,
        statuses=STATUSES,
        before_days=before_days,
        after_days=after_days,
        min_n=get_settings().min_n,
        alpha=impact.ALPHA,
    )


@router.get("/initiatives/{initiative_id}/edit")
def edit_page(
    initiative_id: uuid.UUID, request: Request, session: SessionDep, page: InitiativeManager
) -> HTMLResponse:
    initiative = service.get(session, page.principal.workspace_id, initiative_id)
    shown = service.describe(session, [initiative])[0]
    return _form(request, session, page, initiative_id, _values_of(shown), {})


@router.post("/initiatives/{initiative_id}")
def change(
    initiative_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    page: InitiativeManager,
    form: Posted,
) -> Response:
    """The form sends every field: the initiative becomes what the form shows."""
    try:
        data = InitiativeChange.model_validate(_body(form))
        service.change(session, page.principal, initiative_id, data)
    except (ValidationError, DomainError) as error:
        if isinstance(error, DomainError) and error.status == 404:
            raise
        return _form(request, session, page, initiative_id, form, _problems(error))
    session.commit()
    return RedirectResponse(f"/initiatives/{initiative_id}", status_code=303)


@router.post("/initiatives/{initiative_id}/delete")
def delete(initiative_id: uuid.UUID, session: SessionDep, page: InitiativeManager) -> Response:
    service.delete(session, page.principal, initiative_id)
    session.commit()
    return RedirectResponse("/initiatives", status_code=303)


def _values_of(initiative: InitiativeOut) -> dict[str, Any]:
    targets = initiative.targets
    return {
        "name": initiative.name,
        "description": initiative.description,
        "owner": initiative.owner or "",
        "status": initiative.status,
        "starts_on": initiative.starts_on.isoformat(),
        "ends_on": initiative.ends_on.isoformat() if initiative.ends_on else "",
        "themes": [str(t) for t in targets.themes],
        "touchpoints": ", ".join(targets.touchpoints),
        "lifecycle_stages": targets.lifecycle_stages,
        "channels": ", ".join(targets.channels),
        "segments": "\n".join(f"{s.field}={s.value}" for s in targets.segments),
    }


def _body(form: dict[str, Any]) -> dict[str, Any]:
    """The form's fields as the API's body: lists split on commas, segments one FIELD=VALUE a line."""
    return {
        **{name: form[name] or None for name in ("name", "owner", "status", "starts_on", "ends_on")},
        "description": form["description"],
        "targets": {
            "themes": form["themes"],
            "touchpoints": _split(form["touchpoints"]),
            "lifecycle_stages": form["lifecycle_stages"],
            "channels": _split(form["channels"]),
            "segments": _segments(form["segments"]),
        },
    }


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _segments(text: str) -> list[dict[str, str]]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sign, value = line.partition("=")
        if not sign:
            reason = f"line {number}, {line.strip()!r}, is not FIELD=VALUE (customer.plan=pro, say)"
            raise Invalid("malformed segment", [Problem(reason, field="targets.segments")])
        found.append({"field": name.strip(), "value": value.strip()})
    return found


def _problems(error: ValidationError | DomainError) -> dict[str, list[str]]:
    """Each problem under the form field it belongs to (`form` for the others)."""
    if isinstance(error, ValidationError):
        problems = problems_from_errors(list(error.errors()))
    else:
        problems = error.problems or [Problem(error.message)]
    grouped: dict[str, list[str]] = {}
    for problem in problems:
        path = (problem.field or "").removeprefix("targets.")
        name = path.split("[")[0].split(".")[0]
        known = name in (*FORM_FIELDS, *TARGET_FIELDS)
        detail = path[len(name) :].lstrip(".") if known else path
        reason = f"{detail}: {problem.reason}" if detail else problem.reason
        grouped.setdefault(name if known else "form", []).append(reason)
    return grouped


def _form(
    request: Request,
    session: Session,
    page: PageContext,
    initiative_id: uuid.UUID | None,
    form: dict[str, Any],
    problems: dict[str, list[str]],
) -> HTMLResponse:
    return render(
        request,
        "initiative/form.html",
        422 if problems else 200,
        page=page,
        initiative_id=initiative_id,
        form=form,
        problems=problems,
        themes=_theme_names(session, page.principal.workspace_id),
        statuses=STATUSES,
        stages=STAGES,
    )
