"""The survey domain's operations for the people who run surveys: definitions and their versions, personal
links, the QR code and the funnel. The respondent's side is in `respond`."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import segno
from sqlalchemy.orm import Session

from voxpop.customer import service as customer_service
from voxpop.customer.schemas import CustomerIn
from voxpop.kit import clock
from voxpop.kit.errors import Conflict, Invalid, NotFound, Problem
from voxpop.kit.redaction import redact
from voxpop.kit.settings import get_settings
from voxpop.survey import contact, emails, reminders, repository
from voxpop.survey.definition import Definition, definition_of
from voxpop.survey.models import (
    Survey,
    SurveyInvitation,
    SurveyResponse,
    SurveyUnsubscribe,
    SurveyVersion,
)
from voxpop.survey.schemas import (
    AnswerOut,
    CustomerInvitationOut,
    CustomerSurveysOut,
    InAppIn,
    InAppOut,
    InvitationOut,
    InvitationsIn,
    RemindersIn,
    StoppedContactOut,
    SurveyChange,
    SurveyIn,
    SurveyOut,
)

PUBLIC_PREFIX = "/s/"


def public_path(survey: Survey) -> str:
    return PUBLIC_PREFIX + survey.slug


def create(session: Session, workspace_id: uuid.UUID, data: SurveyIn) -> Survey:
    slug = _slug_for(session, workspace_id, data.slug) if data.slug else _free_slug(session)
    now = clock.now()
    survey = Survey(
        workspace_id=workspace_id,
        slug=slug,
        name=data.name,
        status=data.status,
        lifecycle_stage=data.lifecycle_stage,
        touchpoint=data.touchpoint,
        current_version=0,
        created_at=now,
        updated_at=now,
    )
    repository.add(session, survey)
    _new_version(session, survey, data.definition)
    return survey


def _slug_for(session: Session, workspace_id: uuid.UUID, wanted: str) -> str:
    """The address asked for, if free. Taken by one of the workspace's own surveys: a conflict (they can see
    it). Taken by another workspace's: the same address with a random ending, saying nothing about the other
    survey, so that no workspace learns which addresses others hold (their drafts included)."""
    holder = repository.by_slug(session, wanted)
    if holder is None:
        return wanted
    if holder.workspace_id == workspace_id:
        raise Conflict(f"the address /s/{wanted} is taken by another of your surveys; choose another slug")
    while True:
        slug = f"{wanted[:50]}-{secrets.token_hex(4)}"
        if not repository.slug_taken(session, slug):
            return slug


def _free_slug(session: Session) -> str:
    while True:
        slug = secrets.token_hex(4)
        if not repository.slug_taken(session, slug):
            return slug


def _new_version(session: Session, survey: Survey, definition: Definition) -> None:
    survey.current_version += 1
    survey.updated_at = clock.now()
    repository.add(
        session,
        SurveyVersion(
            workspace_id=survey.workspace_id,
            survey_id=survey.id,
            number=survey.current_version,
            definition=definition.model_dump(mode="json", exclude_defaults=False),
            created_at=survey.updated_at,
        ),
    )


def change(session: Session, workspace_id: uuid.UUID, survey_id: uuid.UUID, data: SurveyChange) -> Survey:
    """Edits a survey; a new definition becomes a new version (answers keep the version they were given on)."""
    survey = get(session, workspace_id, survey_id)
    for name in ("name", "status", "lifecycle_stage", "touchpoint"):
        if name in data.model_fields_set and (value := getattr(data, name)) is not None:
            setattr(survey, name, value)
    if data.definition is not None:
        _new_version(session, survey, data.definition)
    survey.updated_at = clock.now()
    session.flush()
    reminders.schedule(session, survey, current_definition(session, survey))
    return survey


def draft_of(session: Session, survey: Survey) -> dict[str, Any]:
    """The definition the builder edits: the unpublished draft, or the current version when there is none."""
    return survey.draft if survey.draft is not None else dict(current_version(session, survey).definition)


def save_draft(session: Session, survey: Survey, definition: Definition) -> None:
    """Keeps a checked definition as the survey's draft; respondents go on seeing the current version."""
    dumped = definition.model_dump(mode="json", exclude_defaults=False)
    survey.draft = None if dumped == current_version(session, survey).definition else dumped
    survey.updated_at = clock.now()
    session.flush()


def discard_draft(session: Session, survey: Survey) -> None:
    """Drops the unpublished changes: the builder shows the current version again."""
    survey.draft = None
    session.flush()


def publish(session: Session, survey: Survey) -> Survey:
    """The draft becomes the next version and the survey goes live (a survey without changes just goes
    live); answers already given keep the version they were given on."""
    if survey.draft is not None:
        _new_version(session, survey, Definition.model_validate(survey.draft))
        survey.draft = None
    survey.status = "live"
    survey.updated_at = clock.now()
    session.flush()
    reminders.schedule(session, survey, current_definition(session, survey))
    return survey


def get(session: Session, workspace_id: uuid.UUID, survey_id: uuid.UUID) -> Survey:
    survey = repository.get(session, workspace_id, survey_id)
    if survey is None:
        raise NotFound("survey")
    return survey


def list_of(session: Session, workspace_id: uuid.UUID) -> list[Survey]:
    return repository.list_of(session, workspace_id)


def current_version(session: Session, survey: Survey) -> SurveyVersion:
    found = repository.version(session, survey, survey.current_version)
    if found is None:
        raise NotFound("survey version")
    return found


def versions(session: Session, workspace_id: uuid.UUID, survey_id: uuid.UUID) -> list[SurveyVersion]:
    return repository.versions(session, get(session, workspace_id, survey_id))


def describe(session: Session, survey: Survey) -> SurveyOut:
    return SurveyOut(
        id=survey.id,
        slug=survey.slug,
        name=survey.name,
        status=survey.status,
        lifecycle_stage=survey.lifecycle_stage,
        touchpoint=survey.touchpoint,
        version=survey.current_version,
        path=public_path(survey),
        definition=current_version(session, survey).definition,
        created_at=survey.created_at,
        updated_at=survey.updated_at,
    )


def invite(
    session: Session,
    workspace_id: uuid.UUID,
    survey_id: uuid.UUID,
    data: InvitationsIn,
    base_url: str,
    daily_stops: bool = False,
) -> list[InvitationOut]:
    """A personal link per customer; a customer already invited to this survey keeps the link they have,
    unless an exclusion now stops any contact. A new invitation a contact rule stops is recorded with the
    rule (with `daily_stops`, once a day: `contact.record`). With channel `email` each new link is sent (and
    its reminders scheduled, if the survey has any)."""
    survey = get(session, workspace_id, survey_id)
    definition = current_definition(session, survey)
    _check_invitations(definition, data)
    customer_ids = customer_service.resolve_many(session, workspace_id, data.customers)
    resolved = [cid for cid in customer_ids if cid is not None]  # CustomerIn always names an identity
    known = repository.invitations_of(session, survey, resolved)
    stops = contact.stopped(session, workspace_id, resolved, clock.now(), definition.exclude)
    out = []
    for ref, customer_id in zip(data.customers, customer_ids, strict=True):
        assert customer_id is not None
        stop = stops.get(customer_id)
        if stop is not None and (customer_id not in known or stop[0] in contact.EXCLUSIONS):
            contact.record(session, survey, customer_id, stop, "invitation", daily_stops)
            out.append(_stopped_out(customer_id, stop))
            continue
        invitation, created = known.get(customer_id), False
        if invitation is None:
            invitation = known[customer_id] = _invitation(survey, customer_id, ref, data)
            repository.add(session, invitation)
            created = True
            if data.channel == "email" and ref.email:
                invitation.email_id = emails.send(
                    session,
                    survey,
                    definition,
                    invitation,
                    ref.email,
                    emails.first_name(ref.name),
                    base_url,
                    data.email,
                )
        out.append(_invitation_out(survey, invitation, created))
    if data.channel == "email":
        reminders.schedule(session, survey, definition)
    return out


def current_definition(session: Session, survey: Survey) -> Definition:
    version = current_version(session, survey)
    return definition_of(version.id, version.definition)


def _check_invitations(definition: Definition, data: InvitationsIn) -> None:
    declared = definition.hidden_fields
    problems = [
        Problem(f"is not a hidden field of this survey (it has: {declared})", f"hidden.{name}")
        for name in sorted(set(data.hidden) - set(declared))
    ]
    if data.channel == "email":
        problems += [
            Problem("is needed to send an email invitation", f"customers[{row}].email")
            for row, ref in enumerate(data.customers)
            if not ref.email
        ]
    if problems:
        raise Invalid(f"the invitations have {len(problems)} problem(s); none was made", problems)


def _stopped_out(customer_id: uuid.UUID, stop: contact.Stop) -> InvitationOut:
    rule, why = stop
    return InvitationOut(
        customer_id=customer_id, token=None, path=None, created=False, suppressed_by=rule, reason=why
    )


def _invitation(
    survey: Survey, customer_id: uuid.UUID, ref: CustomerIn, data: InvitationsIn
) -> SurveyInvitation:
    return SurveyInvitation(
        workspace_id=survey.workspace_id,
        survey_id=survey.id,
        customer_id=customer_id,
        customer_ref=dict(ref.identities()),
        token=secrets.token_urlsafe(18),
        channel=data.channel,
        hidden=dict(data.hidden),
        invited_at=clock.now(),
    )


def _invitation_out(survey: Survey, invitation: SurveyInvitation, created: bool) -> InvitationOut:
    return InvitationOut(
        customer_id=invitation.customer_id,
        token=invitation.token,
        path=f"{public_path(survey)}?t={invitation.token}",
        created=created,
        email_id=invitation.email_id,
    )


def unsubscribe(session: Session, token: str) -> None:
    """The customer of this personal link is never invited to a survey of its workspace again."""
    invitation = repository.invitation_by_token(session, token)
    if invitation is None:
        raise NotFound("personal survey link")
    if not repository.unsubscribed(session, invitation.workspace_id, [invitation.customer_id]):
        repository.add(
            session,
            SurveyUnsubscribe(workspace_id=invitation.workspace_id, customer_id=invitation.customer_id),
        )


def remind(
    session: Session, workspace_id: uuid.UUID, survey_id: uuid.UUID, data: RemindersIn, base_url: str
) -> int:
    """Reminders now, by the same rules as the scheduled ones; an invitation gets as many as the survey's
    `reminders.max` (one when the survey schedules none)."""
    survey = get(session, workspace_id, survey_id)
    definition = current_definition(session, survey)
    most = definition.reminders.max if definition.reminders else 1
    sent = reminders.send_due(
        session, survey, definition, timedelta(days=data.after_days), most, data.email, base_url
    )
    session.flush()
    return sent


def in_app(session: Session, workspace_id: uuid.UUID, data: InAppIn) -> InAppOut:
    """The first live in-app survey (at the touchpoint, if given) the customer has not finished, through the
    same personal links and contact rules as any invitation; or none, and why. Apps ask on every page view,
    so a stopped ask is recorded once a day."""
    reason = "no live in-app survey for this customer here"
    for survey in repository.live_surveys(session, workspace_id):
        if not current_definition(session, survey).in_app:
            continue
        if data.touchpoint and survey.touchpoint != data.touchpoint:
            continue
        asked = InvitationsIn(customers=[data.customer], channel="app")
        (out,) = invite(session, workspace_id, survey.id, asked, "", daily_stops=True)
        if out.token is None:
            return InAppOut(survey_id=None, reason=out.reason)
        if not _finished(session, out.token):
            return InAppOut(survey_id=survey.id, path=out.path)
        reason = "the customer has answered every live in-app survey here"
    return InAppOut(survey_id=None, reason=reason)


def _finished(session: Session, token: str) -> bool:
    invitation = repository.invitation_by_token(session, token)
    response = repository.response_of_invitation(session, invitation.id) if invitation else None
    return response is not None and response.completed_at is not None


def qr_svg(url: str) -> str:
    """The QR code of a survey's anonymous link, as SVG."""
    return str(segno.make(url, error="m").svg_inline(scale=6, title="Survey link"))


def responses(
    session: Session, workspace_id: uuid.UUID, survey_id: uuid.UUID, limit: int, offset: int
) -> list[SurveyResponse]:
    return repository.responses_page(session, get(session, workspace_id, survey_id), limit, offset)


def of_customer(session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID) -> CustomerSurveysOut:
    """The customer's personal links with the answers given through them, their unsubscribe, and the
    contacts a rule stopped (for a data export)."""
    invitations = [
        CustomerInvitationOut(
            survey_id=survey.id,
            survey=survey.name,
            channel=invitation.channel,
            identities=invitation.customer_ref,
            hidden=invitation.hidden,
            invited_at=invitation.invited_at,
            reminders_sent=invitation.reminders_sent,
            reminded_at=invitation.reminded_at,
            answer=AnswerOut.model_validate(response) if response else None,
        )
        for invitation, survey, response in repository.invitations_of_customer(
            session, workspace_id, customer_id
        )
    ]
    unsubscribed = repository.unsubscribed(session, workspace_id, [customer_id])
    return CustomerSurveysOut(
        invitations=invitations,
        unsubscribed_at=unsubscribed.get(customer_id),
        stopped_contacts=[
            StoppedContactOut.model_validate(row)
            for row in repository.suppressions_of_customer(session, workspace_id, customer_id)
        ],
    )


def erase_of_customer(
    session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID, addresses: Sequence[str]
) -> int:
    """Deletes the customer's personal links and the answers given through them (their feedback records
    are the feedback domain's to erase), their unsubscribe and stopped contacts; returns how many links.
    An unsubscribe outlives them as hashes of their email `addresses` (read before their identities go), so
    the same address imported again is still not invited."""
    unsubscribed_at = repository.unsubscribed(session, workspace_id, [customer_id]).get(customer_id)
    if unsubscribed_at is not None:
        contact.keep_unsubscribed(session, workspace_id, addresses, unsubscribed_at)
    return repository.erase_of_customer(session, workspace_id, customer_id)


def redacted_values(values: dict[str, Any]) -> dict[str, Any]:
    """Text values with emails, phones, cards and names replaced by placeholders; other values as they are."""
    settings = get_settings()
    return {
        name: redact(value, settings.default_phone_region).text if isinstance(value, str) else value
        for name, value in values.items()
    }
