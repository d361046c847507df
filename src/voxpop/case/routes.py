"""The case API. Agents work the cases of their own and their teams (their key must be tied to a user);
admins work every case and set up teams, codes, templates and the SLA policy; every role reads the
recovery figures (aggregates, no personal details)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session

from voxpop.auth.service import Principal
from voxpop.case import outreach, recovery, service, setup, sla, timeline
from voxpop.case.access import Caller, caller_of, require_manager
from voxpop.case.models import Case
from voxpop.case.schemas import (
    AssignIn,
    CaseChange,
    CaseDetailOut,
    CaseIn,
    CaseOut,
    CodeIn,
    CodeOut,
    DeliveryRef,
    EmailIn,
    InboxQuery,
    MemberIn,
    NoteIn,
    PolicyIn,
    PolicyOut,
    RecoveryOut,
    StatusIn,
    TeamIn,
    TeamOut,
    TemplateIn,
    TemplateOut,
    TimelineEntry,
    ViewIn,
    ViewOut,
)
from voxpop.kit.errors import Invalid, Problem
from voxpop.web.deps import CaseWorker, Reader, SessionDep

router = APIRouter(prefix="/api/v1", tags=["case"])


def _manager(session: Session, principal: Principal, what: str) -> Caller:
    caller = caller_of(session, principal)
    require_manager(caller, what)
    return caller


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def detail(session: Session, case: Case) -> CaseDetailOut:
    return service.detail(session, case)


@router.get("/cases/recovery")
def recovery_figures(
    session: SessionDep,
    caller: Reader,
    since: Annotated[datetime | None, Query(description="closed at or after")] = None,
    until: Annotated[datetime | None, Query(description="closed before")] = None,
) -> RecoveryOut:
    """Recovery rate and times to first contact and to close, overall, per team and per agent."""
    return recovery.figures(session, caller.workspace_id, since, until)


@router.get("/cases")
def list_cases(
    session: SessionDep, principal: CaseWorker, query: Annotated[InboxQuery, Query()]
) -> list[CaseOut]:
    """The inbox: cases the caller may see, filtered, soonest due first (or `sort=opened|priority`)."""
    caller = caller_of(session, principal)
    filters = query.filters()
    if query.view_id is not None:
        filters = setup.view_filters(session, caller.workspace_id, _user(caller), query.view_id)
    cases = service.inbox(session, caller, filters, query.limit, query.offset)
    return [CaseOut.model_validate(c) for c in cases]


@router.post("/cases", status_code=201)
def open_case(body: CaseIn, session: SessionDep, principal: CaseWorker, response: Response) -> CaseDetailOut:
    """Open a case for a feedback record: 201. If the customer has an open case, the record joins it, and
    a record already in a case returns that case: 200."""
    caller = caller_of(session, principal)
    case, created = service.open_case(session, caller, body.feedback_id, body)
    session.commit()
    response.status_code = 201 if created else 200
    return detail(session, case)


@router.get("/cases/{case_id}")
def get_case(case_id: uuid.UUID, session: SessionDep, principal: CaseWorker) -> CaseDetailOut:
    return detail(session, service.get(session, caller_of(session, principal), case_id))


@router.get("/cases/{case_id}/timeline")
def case_timeline(case_id: uuid.UUID, session: SessionDep, principal: CaseWorker) -> list[TimelineEntry]:
    """The customer's feedback (survey answers included) and journey events on every channel, newest first."""
    return timeline.of_case(session, service.get(session, caller_of(session, principal), case_id))


@router.patch("/cases/{case_id}")
def change_case(
    case_id: uuid.UUID, body: CaseChange, session: SessionDep, principal: CaseWorker
) -> CaseDetailOut:
    """Change the title, priority or codes (an empty code clears it)."""
    case = service.change(session, caller_of(session, principal), case_id, body)
    session.commit()
    return detail(session, case)


@router.post("/cases/{case_id}/status")
def set_status(
    case_id: uuid.UUID, body: StatusIn, request: Request, session: SessionDep, principal: CaseWorker
) -> CaseDetailOut:
    """new → contacted → in_progress → resolved → closed; reopen from resolved or closed to in_progress."""
    case = outreach.set_status(session, caller_of(session, principal), case_id, body, base_url(request))
    session.commit()
    return detail(session, case)


@router.post("/cases/{case_id}/assign")
def assign_case(
    case_id: uuid.UUID, body: AssignIn, session: SessionDep, principal: CaseWorker
) -> CaseDetailOut:
    case = service.assign(session, caller_of(session, principal), case_id, body)
    session.commit()
    return detail(session, case)


@router.post("/cases/{case_id}/notes", status_code=201)
def add_note(
    case_id: uuid.UUID, body: NoteIn, request: Request, session: SessionDep, principal: CaseWorker
) -> dict[str, list[str]]:
    """Add a note; @email or @name (the part before @) mentions a member, who is emailed."""
    mentioned = outreach.add_note(
        session, caller_of(session, principal), case_id, body.text, base_url(request)
    )
    session.commit()
    return {"mentioned": mentioned}


@router.post("/cases/{case_id}/email", status_code=202)
def email_customer(
    case_id: uuid.UUID, body: EmailIn, session: SessionDep, principal: CaseWorker
) -> DeliveryRef:
    """Email the customer a follow-up from a template; a new case becomes contacted."""
    delivery_id = outreach.send_email(session, caller_of(session, principal), case_id, body.template_id)
    session.commit()
    return DeliveryRef(delivery_id=delivery_id)


@router.get("/case-teams")
def list_teams(session: SessionDep, principal: CaseWorker) -> list[TeamOut]:
    return setup.describe_teams(session, caller_of(session, principal).workspace_id)


def _team_out(session: Session, workspace_id: uuid.UUID, team_id: uuid.UUID) -> TeamOut:
    return next(t for t in setup.describe_teams(session, workspace_id) if t.id == team_id)


@router.post("/case-teams", status_code=201)
def create_team(body: TeamIn, session: SessionDep, principal: CaseWorker) -> TeamOut:
    caller = _manager(session, principal, "manage teams")
    team = setup.create_team(session, caller, body.name)
    session.commit()
    return _team_out(session, caller.workspace_id, team.id)


@router.post("/case-teams/{team_id}/members", status_code=201)
def add_member(team_id: uuid.UUID, body: MemberIn, session: SessionDep, principal: CaseWorker) -> TeamOut:
    caller = _manager(session, principal, "manage teams")
    team = setup.add_member(session, caller, team_id, body.email)
    session.commit()
    return _team_out(session, caller.workspace_id, team.id)


@router.delete("/case-teams/{team_id}/members/{user_id}")
def remove_member(
    team_id: uuid.UUID, user_id: uuid.UUID, session: SessionDep, principal: CaseWorker
) -> TeamOut:
    caller = _manager(session, principal, "manage teams")
    team = setup.remove_member(session, caller, team_id, user_id)
    session.commit()
    return _team_out(session, caller.workspace_id, team.id)


@router.get("/case-codes")
def list_codes(session: SessionDep, principal: CaseWorker) -> list[CodeOut]:
    caller = caller_of(session, principal)
    return [CodeOut.model_validate(c) for c in setup.codes(session, caller.workspace_id)]


@router.post("/case-codes", status_code=201)
def create_code(body: CodeIn, session: SessionDep, principal: CaseWorker) -> CodeOut:
    caller = _manager(session, principal, "manage case codes")
    code = setup.create_code(session, caller, body)
    session.commit()
    return CodeOut.model_validate(code)


@router.delete("/case-codes/{code_id}", status_code=204)
def delete_code(code_id: uuid.UUID, session: SessionDep, principal: CaseWorker) -> None:
    caller = _manager(session, principal, "manage case codes")
    setup.delete_code(session, caller, code_id)
    session.commit()


@router.get("/case-templates")
def list_templates(session: SessionDep, principal: CaseWorker) -> list[TemplateOut]:
    caller = caller_of(session, principal)
    return [TemplateOut.model_validate(t) for t in setup.templates(session, caller.workspace_id)]


@router.post("/case-templates", status_code=201)
def create_template(body: TemplateIn, session: SessionDep, principal: CaseWorker) -> TemplateOut:
    """A follow-up email; `{first_name}` and `{record_text}` are filled in for each customer."""
    return _save_template(session, principal, body, None)


@router.put("/case-templates/{template_id}")
def replace_template(
    template_id: uuid.UUID, body: TemplateIn, session: SessionDep, principal: CaseWorker
) -> TemplateOut:
    return _save_template(session, principal, body, template_id)


def _save_template(
    session: Session, principal: Principal, body: TemplateIn, template_id: uuid.UUID | None
) -> TemplateOut:
    caller = _manager(session, principal, "manage email templates")
    template = setup.save_template(session, caller, body, template_id)
    session.commit()
    return TemplateOut.model_validate(template)


@router.get("/case-sla")
def get_policy(session: SessionDep, principal: CaseWorker) -> PolicyOut:
    return sla.policy(session, caller_of(session, principal).workspace_id)


@router.put("/case-sla")
def set_policy(body: PolicyIn, session: SessionDep, principal: CaseWorker) -> PolicyOut:
    """The SLA windows of cases opened from now on."""
    caller = _manager(session, principal, "set the SLA policy")
    policy = sla.set_policy(session, caller, body)
    session.commit()
    return policy


def _user(caller: Caller) -> uuid.UUID:
    if caller.user_id is None:
        raise Invalid(
            "no user", [Problem("saved views belong to a user; this API key is tied to none", "view_id")]
        )
    return caller.user_id


@router.get("/case-views")
def list_views(session: SessionDep, principal: CaseWorker) -> list[ViewOut]:
    caller = caller_of(session, principal)
    return [ViewOut.model_validate(v) for v in setup.views(session, caller.workspace_id, _user(caller))]


@router.post("/case-views", status_code=201)
def save_view(body: ViewIn, session: SessionDep, principal: CaseWorker) -> ViewOut:
    """Save the filters under a name (saving a name again replaces them)."""
    caller = caller_of(session, principal)
    view = setup.save_view(session, caller.workspace_id, _user(caller), body)
    session.commit()
    return ViewOut.model_validate(view)


@router.delete("/case-views/{view_id}", status_code=204)
def delete_view(view_id: uuid.UUID, session: SessionDep, principal: CaseWorker) -> None:
    caller = caller_of(session, principal)
    setup.delete_view(session, caller.workspace_id, _user(caller), view_id)
    session.commit()
