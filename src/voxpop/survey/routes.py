"""Surveys: the API. Definitions as JSON, their versions, personal links, the QR code, funnel and answers."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from voxpop.auth.roles import Permission, allows
from voxpop.kit.pagination import Offset
from voxpop.survey import contact, funnel, service
from voxpop.survey.definition import definition_of
from voxpop.survey.schemas import (
    ContactRulesIn,
    ContactRulesOut,
    FunnelOut,
    InAppIn,
    InAppOut,
    InvitationOut,
    InvitationsIn,
    RemindersIn,
    RemindersOut,
    ResponseOut,
    SurveyChange,
    SurveyIn,
    SurveyOut,
    VersionOut,
)
from voxpop.web.deps import Admin, Reader, SessionDep, Writer

router = APIRouter(prefix="/api/v1/surveys", tags=["survey"])


@router.post("", status_code=201)
def create_survey(body: SurveyIn, session: SessionDep, caller: Writer) -> SurveyOut:
    """A new survey (version 1 of its definition), public at `/s/<slug>` while its status is `live`."""
    survey = service.create(session, caller.workspace_id, body)
    out = service.describe(session, survey)
    session.commit()
    return out


@router.post("/in-app")
def survey_for_app(body: InAppIn, session: SessionDep, caller: Writer) -> InAppOut:
    """Which survey, if any, to show this customer in the app now: a personal link to open, or why not.
    Showing one counts as an invitation (channel `app`) for the contact rules."""
    out = service.in_app(session, caller.workspace_id, body)
    session.commit()
    return out


@router.get("")
def list_surveys(session: SessionDep, caller: Reader) -> list[SurveyOut]:
    return [service.describe(session, s) for s in service.list_of(session, caller.workspace_id)]


@router.get("/contact-rules")
def get_contact_rules(session: SessionDep, caller: Reader) -> ContactRulesOut:
    """How often a customer of this workspace may be asked, across all its surveys: the workspace's own
    rules, or the `VOXPOP_SURVEY_*` defaults while its admins set none (`updated_at` is then null)."""
    return contact.rules_of(session, caller.workspace_id)


@router.put("/contact-rules")
def set_contact_rules(body: ContactRulesIn, session: SessionDep, caller: Admin) -> ContactRulesOut:
    """Sets this workspace's contact rules (admins only; audited): they stop contacts from now on."""
    out = contact.set_rules(session, caller, body)
    session.commit()
    return out


@router.get("/{survey_id}")
def get_survey(survey_id: uuid.UUID, session: SessionDep, caller: Reader) -> SurveyOut:
    return service.describe(session, service.get(session, caller.workspace_id, survey_id))


@router.patch("/{survey_id}")
def change_survey(survey_id: uuid.UUID, body: SurveyChange, session: SessionDep, caller: Writer) -> SurveyOut:
    """Change the name, status, stage or touchpoint; a new definition becomes the next version."""
    survey = service.change(session, caller.workspace_id, survey_id, body)
    out = service.describe(session, survey)
    session.commit()
    return out


@router.get("/{survey_id}/versions")
def list_versions(survey_id: uuid.UUID, session: SessionDep, caller: Reader) -> list[VersionOut]:
    return [VersionOut.model_validate(v) for v in service.versions(session, caller.workspace_id, survey_id)]


@router.post("/{survey_id}/invitations", status_code=201)
def create_invitations(
    survey_id: uuid.UUID, body: InvitationsIn, request: Request, session: SessionDep, caller: Writer
) -> list[InvitationOut]:
    """Personal links (`/s/<slug>?t=<token>`), one per customer: each answers once, tied to its customer.
    With `"channel": "email"` each new link is emailed (templates in `email`). A customer a contact rule stops
    gets no link: `suppressed_by` names the rule (unsubscribed, no_consent, segment, frequency, quiet_period)."""
    out = service.invite(session, caller.workspace_id, survey_id, body, str(request.base_url).rstrip("/"))
    session.commit()
    return out


@router.post("/{survey_id}/reminders")
def send_reminders(
    survey_id: uuid.UUID, body: RemindersIn, request: Request, session: SessionDep, caller: Writer
) -> RemindersOut:
    """Emails a reminder now to each emailed invitation still unanswered `after_days` days after its last
    contact, up to the survey's `reminders.max` per invitation (one if it schedules none); contact rules apply."""
    reminded = service.remind(
        session, caller.workspace_id, survey_id, body, str(request.base_url).rstrip("/")
    )
    session.commit()
    return RemindersOut(reminded=reminded)


@router.get("/{survey_id}/funnel")
def get_funnel(survey_id: uuid.UUID, session: SessionDep, caller: Reader) -> FunnelOut:
    survey = service.get(session, caller.workspace_id, survey_id)
    version = service.current_version(session, survey)
    return funnel.funnel(session, survey, definition_of(version.id, version.definition))


@router.get("/{survey_id}/responses")
def list_responses(
    survey_id: uuid.UUID,
    session: SessionDep,
    caller: Reader,
    limit: int = Query(50, ge=1, le=500),
    offset: Offset = 0,
) -> list[ResponseOut]:
    """Answers as stored (written answers are redacted where they enter); a response's hidden fields may carry
    a respondent's address or phone from a link, so roles without access to personal data see them redacted."""
    rows = service.responses(session, caller.workspace_id, survey_id, limit, offset)
    found = [ResponseOut.model_validate(r) for r in rows]
    if allows(caller.role, Permission.SEE_PERSONAL_DATA):
        return found
    return [r.model_copy(update={"hidden": service.redacted_values(r.hidden)}) for r in found]


@router.get("/{survey_id}/qr.svg", response_class=Response)
def get_qr_code(survey_id: uuid.UUID, request: Request, session: SessionDep, caller: Reader) -> Response:
    """The anonymous link's QR code (SVG); it opens `/s/<slug>?via=qr`, counted as its own channel."""
    survey = service.get(session, caller.workspace_id, survey_id)
    url = str(request.base_url).rstrip("/") + service.public_path(survey) + "?via=qr"
    return Response(service.qr_svg(url), media_type="image/svg+xml")
