"""Opening a case by hand: "Open case" on a record's page, on a customer (their latest record), or the
inbox's "New case" form (a record's id, or a customer's id, email, phone or handle). The form comes prefilled
(the title from the record's text, normal priority) with the assignee, team and priority to pick; the case
opens through `service.open_case` like any other (audited, SLA timers, the case.opened webhook). Who may open
cases: whoever works them (agents and admins, WORK_CASES), as in the API."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from voxpop.auth import service as auth_service
from voxpop.auth.roles import Permission, allows
from voxpop.case import service, setup
from voxpop.case.access import Caller, caller_of
from voxpop.case.models import Priority
from voxpop.case.schemas import AssignIn, OpenCaseParams
from voxpop.customer import service as customer_service
from voxpop.feedback import service as feedback_service
from voxpop.feedback.schemas import FeedbackOut
from voxpop.kit.errors import DomainError, NotFound, Problem, problems_from_errors
from voxpop.web.deps import SessionDep
from voxpop.web.pages import PageContext, page_permission, problems_by_field, render

router = APIRouter(include_in_schema=False)
CaseDesk = Annotated[PageContext, Depends(page_permission(Permission.WORK_CASES, "open cases"))]
FIND_FIELD = "find"


class NotFoundHere(Exception):
    """What was typed names no record or customer of this workspace (or a customer without records)."""


@router.get("/cases/new")
def new_case_page(
    request: Request,
    session: SessionDep,
    page: CaseDesk,
    feedback_id: str = "",
    customer_id: str = "",
    find: str = "",
) -> HTMLResponse:
    """The form for one record; without one (or when the record is not found), the finder."""
    caller = caller_of(session, page.principal)
    wanted = feedback_id or customer_id or find
    if not wanted:
        return _finder(request, page, "", {})
    try:
        record = _record(session, caller.workspace_id, feedback_id, customer_id or find)
    except NotFoundHere as error:
        return _finder(request, page, wanted, {FIND_FIELD: [str(error)]}, 404)
    form = {"title": service.default_title(record), "priority": Priority.NORMAL.value}
    return _form(request, session, page, caller, record, form, {})


@router.post("/cases/new")
def open_case_form(
    request: Request,
    session: SessionDep,
    page: CaseDesk,
    feedback_id: Annotated[uuid.UUID, Form()],
    title: Annotated[str, Form()] = "",
    priority: Annotated[str, Form()] = Priority.NORMAL.value,
    assignee_id: Annotated[str, Form()] = "",
    team_id: Annotated[str, Form()] = "",
) -> Response:
    caller = caller_of(session, page.principal)
    record = feedback_service.get(session, caller.workspace_id, feedback_id)
    form = {"title": title, "priority": priority, "assignee_id": assignee_id, "team_id": team_id}
    try:
        params = OpenCaseParams.model_validate({"title": title or None, "priority": priority})
        owner = AssignIn.model_validate({"assignee_id": assignee_id or None, "team_id": team_id or None})
        case, _ = service.open_case(session, caller, feedback_id, params, owner=owner)
    except ValidationError as error:
        errors = problems_by_field(problems_from_errors(list(error.errors())))
        return _form(request, session, page, caller, record, form, errors, 422)
    except DomainError as error:
        if error.status == 404:
            raise
        session.rollback()
        problems = error.problems or [Problem(error.message, "assignee_id")]
        return _form(request, session, page, caller, record, form, problems_by_field(problems), error.status)
    session.commit()
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


def _record(session: Session, workspace_id: uuid.UUID, feedback_id: str, customer: str) -> FeedbackOut:
    """The record named by id, or else the latest record of the customer named by id or identity."""
    for candidate in filter(None, (feedback_id, customer)):
        try:
            return feedback_service.get(session, workspace_id, uuid.UUID(candidate.strip()))
        except (ValueError, NotFound):
            pass
    if not customer.strip():
        raise NotFoundHere("there is no feedback record with this id in this workspace")
    try:
        found = customer_service.find(session, workspace_id, customer)
    except NotFound:
        raise NotFoundHere(
            "no record or customer of this workspace has this id, email, phone or handle"
        ) from None
    latest = feedback_service.list_page(session, workspace_id, 1, 0, found.id)
    if not latest:
        raise NotFoundHere("this customer has no feedback yet, and a case starts from a record")
    return latest[0]


def _finder(
    request: Request, page: PageContext, typed: str, errors: dict[str, list[str]], status: int = 200
) -> HTMLResponse:
    return render(request, "case/new.html", status, page=page, record=None, typed=typed, errors=errors)


def _form(
    request: Request,
    session: Session,
    page: PageContext,
    caller: Caller,
    record: FeedbackOut,
    form: dict[str, Any],
    errors: dict[str, list[str]],
    status: int = 200,
) -> HTMLResponse:
    existing, already_in = service.existing_case(session, caller, record)
    return render(
        request,
        "case/new.html",
        status,
        page=page,
        record=record,
        form=form,
        errors=errors,
        existing=existing,
        already_in=already_in,
        priorities=list(Priority),
        workers=_case_workers(session, caller.workspace_id),
        teams=setup.describe_teams(session, caller.workspace_id),
    )


def _case_workers(session: Session, workspace_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    """The members a case can be handed to: agents and admins."""
    return [
        (user.id, user.email)
        for user, role in auth_service.members_of(session, workspace_id)
        if user.is_active and allows(role, Permission.WORK_CASES)
    ]
