"""The case pages: the inbox (filters, saved views, soonest due first), a case (the customer's timeline,
status moves, assignment, codes, notes, the follow-up email and survey) and the recovery report. Readers
who do not work cases (analysts, viewers) are sent to the report."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from voxpop.auth import service as auth_service
from voxpop.auth.roles import Permission
from voxpop.case import outreach, recovery, service, setup, sla, timeline
from voxpop.case.access import Caller, caller_of
from voxpop.case.customer_header import header_of
from voxpop.case.models import Case, CodeKind, Priority, Status
from voxpop.case.routes import base_url
from voxpop.case.schemas import AssignIn, CaseChange, EmailIn, Filters, NoteIn, StatusIn, ViewIn
from voxpop.kit import clock
from voxpop.kit.errors import DomainError, problems_from_errors
from voxpop.survey import service as survey_service
from voxpop.web.deps import SessionDep
from voxpop.web.pages import Member, PageContext, PageDep, render

router = APIRouter(include_in_schema=False)
INBOX_SIZE = 200
FILTER_FIELDS = tuple(Filters.model_fields)


def _messages(error: ValidationError | DomainError) -> list[str]:
    if isinstance(error, DomainError):
        return [error.message] + [f"{p.field}: {p.reason}" if p.field else p.reason for p in error.problems]
    return [
        f"{p.field}: {p.reason}" if p.field else p.reason for p in problems_from_errors(list(error.errors()))
    ]


def _people(session: Session, workspace_id: uuid.UUID) -> dict[str, Any]:
    members = auth_service.members_of(session, workspace_id)
    return {
        "members": {u.id: u.email for u, _ in members},
        "teams": {t.id: t.name for t in setup.describe_teams(session, workspace_id)},
    }


@router.get("/cases", response_model=None)
def inbox_page(
    request: Request, session: SessionDep, page: PageDep, view_id: uuid.UUID | None = None
) -> HTMLResponse | RedirectResponse:
    if not page.can(Permission.WORK_CASES):
        return RedirectResponse("/cases/report", status_code=303)
    caller = caller_of(session, page.principal)
    given = {k: v for k, v in request.query_params.items() if k in FILTER_FIELDS and v}
    problems: list[str] = []
    try:
        filters = Filters.model_validate(given)
        if view_id is not None:
            filters = setup.view_filters(session, caller.workspace_id, _user_id(caller), view_id)
    except ValidationError as error:
        filters, problems = Filters(), _messages(error)
    return render(
        request,
        "case/inbox.html",
        422 if problems else 200,
        page=page,
        cases=service.inbox(session, caller, filters, INBOX_SIZE),
        filters=filters,
        saved=json.dumps(filters.model_dump(mode="json", exclude_defaults=True)),
        views=setup.views(session, caller.workspace_id, _user_id(caller)),
        problems=problems,
        now=clock.now(),
        statuses=list(Status),
        priorities=list(Priority),
        **_people(session, caller.workspace_id),
    )


def _user_id(caller: Caller) -> uuid.UUID:
    assert caller.user_id is not None  # pages are always signed in as a user
    return caller.user_id


@router.post("/cases/views")
def save_view(
    request: Request,
    session: SessionDep,
    page: Member,
    name: Annotated[str, Form()] = "",
    filters: Annotated[str, Form()] = "{}",
) -> Response:
    caller = caller_of(session, page.principal)
    try:
        data = ViewIn.model_validate({"name": name, "filters": json.loads(filters or "{}")})
    except (ValidationError, json.JSONDecodeError) as error:
        reason = _messages(error) if isinstance(error, ValidationError) else ["the filters could not be read"]
        return render(request, "case/problem.html", 422, page=page, problems=reason, back="/cases")
    view = setup.save_view(session, caller.workspace_id, _user_id(caller), data)
    session.commit()
    return RedirectResponse(f"/cases?view_id={view.id}", status_code=303)


@router.get("/cases/report")
def report_page(request: Request, session: SessionDep, page: PageDep) -> HTMLResponse:
    figures = recovery.figures(session, page.principal.workspace_id)
    return render(request, "case/report.html", page=page, figures=figures)


@router.get("/cases/{case_id}")
def case_page(
    case_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    page: PageDep,
    channel: Annotated[str | None, Query(max_length=100)] = None,
    kind: Annotated[str | None, Query(max_length=100)] = None,
    before: Annotated[str | None, Query(max_length=100)] = None,
) -> HTMLResponse:
    query = timeline.TimelineQuery(channel=channel or None, kind=kind or None, before=before or None)
    return _case(request, session, page, case_id, query=query)


def _timeline(
    session: Session, caller: Caller, case: Case, query: timeline.TimelineQuery
) -> timeline.TimelinePage:
    """The customer's timeline a page at a time; an anonymous record's case shows its own records."""
    if case.customer_id is None:
        return timeline.TimelinePage(timeline.records_of_case(session, case), query, None)
    return timeline.page_of_customer(session, case.workspace_id, case.customer_id, query, caller)


def _case(
    request: Request,
    session: Session,
    page: PageContext,
    case_id: uuid.UUID,
    problems: list[str] | None = None,
    status_code: int = 200,
    query: timeline.TimelineQuery | None = None,
) -> HTMLResponse:
    caller = caller_of(session, page.principal)
    case = service.get(session, caller, case_id)
    codes = setup.codes(session, case.workspace_id)
    customer = (
        header_of(session, case.workspace_id, case.customer_id, page.principal.role)
        if case.customer_id
        else None
    )
    return render(
        request,
        "case/case.html",
        status_code,
        page=page,
        case=case,
        moves=service.NEXT[Status(case.status)],
        events=service.events(session, case),
        customer=customer,
        timeline=_timeline(session, caller, case, query or timeline.TimelineQuery()),
        root_causes=[c for c in codes if c.kind == CodeKind.ROOT_CAUSE],
        resolutions=[c for c in codes if c.kind == CodeKind.RESOLUTION],
        templates=setup.templates(session, case.workspace_id),
        surveys=survey_service.list_of(session, case.workspace_id),
        priorities=list(Priority),
        problems=problems or [],
        now=clock.now(),
        warn_at=sla.policy(session, case.workspace_id).warn_at_percent,
        **_people(session, case.workspace_id),
    )


def _act(
    request: Request,
    session: Session,
    page: PageContext,
    case_id: uuid.UUID,
    action: Callable[[Caller], object],
) -> Response:
    """Do the action as the signed-in user, commit and go back to the case; a refusal shows the case again
    with the reasons."""
    caller = caller_of(session, page.principal)
    try:
        action(caller)
    except (ValidationError, DomainError) as error:
        if isinstance(error, DomainError) and error.status in (403, 404):
            raise
        session.rollback()
        status = error.status if isinstance(error, DomainError) else 422
        return _case(request, session, page, case_id, _messages(error), status)
    session.commit()
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/status")
def status_form(
    case_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    page: Member,
    status: Annotated[str, Form()] = "",
    root_cause_code: Annotated[str, Form()] = "",
    resolution_code: Annotated[str, Form()] = "",
    follow_up_survey_id: Annotated[str, Form()] = "",
) -> Response:
    def move(caller: Caller) -> object:
        data = StatusIn.model_validate(
            {
                "status": status,
                "root_cause_code": root_cause_code or None,
                "resolution_code": resolution_code or None,
                "follow_up_survey_id": follow_up_survey_id or None,
            }
        )
        return outreach.set_status(session, caller, case_id, data, base_url(request))

    return _act(request, session, page, case_id, move)


@router.post("/cases/{case_id}/assign")
def assign_form(
    case_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    page: Member,
    assignee_id: Annotated[str, Form()] = "",
    team_id: Annotated[str, Form()] = "",
) -> Response:
    def assign(caller: Caller) -> object:
        data = AssignIn.model_validate({"assignee_id": assignee_id or None, "team_id": team_id or None})
        return service.assign(session, caller, case_id, data)

    return _act(request, session, page, case_id, assign)


@router.post("/cases/{case_id}/change")
def change_form(
    case_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    page: Member,
    priority: Annotated[str, Form()] = "",
    root_cause_code: Annotated[str, Form()] = "",
    resolution_code: Annotated[str, Form()] = "",
) -> Response:
    def change(caller: Caller) -> object:
        data = CaseChange.model_validate(
            {
                "priority": priority or None,
                "root_cause_code": root_cause_code,
                "resolution_code": resolution_code,
            }
        )
        return service.change(session, caller, case_id, data)

    return _act(request, session, page, case_id, change)


@router.post("/cases/{case_id}/notes")
def note_form(
    case_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    page: Member,
    text: Annotated[str, Form()] = "",
) -> Response:
    def note(caller: Caller) -> object:
        data = NoteIn.model_validate({"text": text})
        return outreach.add_note(session, caller, case_id, data.text, base_url(request))

    return _act(request, session, page, case_id, note)


@router.post("/cases/{case_id}/email")
def email_form(
    case_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    page: Member,
    template_id: Annotated[str, Form()] = "",
) -> Response:
    def send(caller: Caller) -> object:
        data = EmailIn.model_validate({"template_id": template_id or None})
        return outreach.send_email(session, caller, case_id, data.template_id)

    return _act(request, session, page, case_id, send)
