"""Messages a case sends: the follow-up email to the customer (from a template), the follow-up survey on
closing, notes whose @-mentions email colleagues, and status changes that carry codes and the survey."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from voxpop.audit import service as audit
from voxpop.auth import service as auth_service
from voxpop.auth.models import User
from voxpop.auth.roles import Permission, allows
from voxpop.case import repository, service
from voxpop.case.access import Caller
from voxpop.case.models import Case, CaseMention, Status
from voxpop.case.schemas import PLACEHOLDER, CaseChange, StatusIn
from voxpop.customer import service as customer_service
from voxpop.customer.schemas import CustomerIn
from voxpop.delivery import service as delivery
from voxpop.feedback import service as feedback_service
from voxpop.kit import clock
from voxpop.kit.errors import Conflict, Invalid, NotFound, Problem
from voxpop.kit.redaction import source_redactor
from voxpop.kit.settings import get_settings
from voxpop.survey import service as survey_service
from voxpop.survey.schemas import InvitationsIn

MENTION = re.compile(r"(?<![\w.])@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)")
DEFAULT_SUBJECT = "Following up on your feedback"
DEFAULT_BODY = (
    'Hello {first_name},\n\nThank you for telling us: "{record_text}"\n\n'
    "We are sorry it went wrong, and we would like to put it right. Simply reply to this email and we will "
    "get back to you.\n"
)


@dataclass(frozen=True)
class Contact:
    email: str
    name: str | None

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name and self.name.split() else "there"


def contact_of(session: Session, case: Case) -> Contact:
    """The customer's email address and name; 409 when the customer has none."""
    if case.customer_id is None:
        raise Conflict("this case has no customer (the record was anonymous), so there is no one to email")
    customer = customer_service.get(session, case.workspace_id, case.customer_id)
    emails = [i.value for i in customer_service.describe(session, customer).identities if i.kind == "email"]
    if not emails:
        raise Conflict("the customer has no email address")
    return Contact(emails[0], customer.name)


def fill(template: str, contact: Contact, record_text: str) -> str:
    values = {"first_name": contact.first_name, "record_text": record_text}
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def _record_text(session: Session, case: Case) -> str:
    ids = repository.feedback_ids(session, case.id)
    return (feedback_service.get(session, case.workspace_id, ids[0]).text or "") if ids else ""


def send_email(
    session: Session, caller: Caller, case_id: uuid.UUID, template_id: uuid.UUID | None
) -> uuid.UUID:
    """Email the customer the template filled in for them; a new case counts as contacted from then on."""
    case = service.get(session, caller, case_id)
    subject, body = DEFAULT_SUBJECT, DEFAULT_BODY
    if template_id is not None:
        template = repository.template(session, case.workspace_id, template_id)
        if template is None:
            raise Invalid("unknown template", [Problem("is not a template of this workspace", "template_id")])
        subject, body = template.subject, template.body
    contact = contact_of(session, case)
    text = _record_text(session, case)
    delivery_id = delivery.queue_email(
        session,
        case.workspace_id,
        to=contact.email,
        subject=fill(subject, contact, text),
        text=fill(body, contact, text),
    )
    service.record_event(session, case, caller, "email_sent", delivery_id=str(delivery_id), to=contact.email)
    audit.record(  # the delivery, not the address: the audit log outlives an erased customer
        session,
        case.workspace_id,
        caller.audit_actor(),
        "case.email",
        "case",
        case.id,
        {"delivery_id": str(delivery_id)},
    )
    if case.status == Status.NEW:
        service.move(session, caller, case, Status.CONTACTED)
    return delivery_id


def set_status(session: Session, caller: Caller, case_id: uuid.UUID, data: StatusIn, base_url: str) -> Case:
    """Move the case, setting the codes given with the move; on closing, optionally invite the customer to
    a follow-up survey (their next answer is what the recovery rate counts)."""
    if data.follow_up_survey_id is not None and data.status != Status.CLOSED:
        raise Invalid("not closing", [Problem("is only used when closing a case", "follow_up_survey_id")])
    codes = CaseChange(root_cause_code=data.root_cause_code, resolution_code=data.resolution_code)
    case = service.change(session, caller, case_id, codes)
    service.move(session, caller, case, data.status)
    if data.follow_up_survey_id is not None:
        _invite(session, caller, case, data.follow_up_survey_id, base_url)
    return case


def _invite(session: Session, caller: Caller, case: Case, survey_id: uuid.UUID, base_url: str) -> None:
    contact = contact_of(session, case)
    invitations = InvitationsIn(
        customers=[CustomerIn(email=contact.email, name=contact.name)], channel="email"
    )
    try:
        (out,) = survey_service.invite(session, case.workspace_id, survey_id, invitations, base_url)
    except NotFound:
        raise Invalid(
            "unknown survey", [Problem("is not a survey of this workspace", "follow_up_survey_id")]
        ) from None
    details = {"survey_id": str(survey_id), "path": out.path, "created": out.created}
    if out.suppressed_by:
        details |= {"suppressed_by": out.suppressed_by, "reason": out.reason}
    service.record_event(session, case, caller, "follow_up_survey", **details)


def add_note(session: Session, caller: Caller, case_id: uuid.UUID, text: str, base_url: str) -> list[str]:
    """Add a note; each @-mentioned member (by email, or by the part of it before @) is emailed a link and
    finds the case under "mentioned" in their inbox. The mentioned addresses are returned. Personal data in
    the note is redacted (setting TEXT_REDACT_SOURCE) once the mentions are read from it, before it is
    stored or emailed."""
    case = service.get(session, caller, case_id)
    users = _mentioned(session, case.workspace_id, text)
    redactor = source_redactor(get_settings())
    text = redactor.text(text) if redactor else text
    event = service.record_event(session, case, caller, "note", text=text, mentions=[u.email for u in users])
    for user in users:
        repository.add(
            session,
            CaseMention(
                workspace_id=case.workspace_id,
                case_id=case.id,
                user_id=user.id,
                event_id=event.id,
                created_at=clock.now(),
            ),
        )
        delivery.queue_email(
            session,
            case.workspace_id,
            to=user.email,
            subject=f"{caller.name} mentioned you on a case: {case.title}",
            text=f"{caller.name} wrote:\n\n{text}\n\nThe case: {base_url}/cases/{case.id}\n",
        )
    return [u.email for u in users]


def _mentioned(session: Session, workspace_id: uuid.UUID, text: str) -> list[User]:
    """The members mentioned in the text; only people whose role works cases can be (others could not open
    the case they are sent)."""
    members: dict[str, tuple[User, str]] = {}
    for member, role in auth_service.members_of(session, workspace_id):
        members[member.email] = members[member.email.split("@")[0]] = (member, role)
    found: dict[uuid.UUID, User] = {}
    for handle in MENTION.findall(text):
        user, role = members.get(handle.lower().rstrip("."), (None, ""))
        if user is None:
            raise Invalid("unknown mention", [Problem(f"@{handle} is no member of this workspace", "text")])
        if not allows(role, Permission.WORK_CASES):
            reason = f"@{handle} is {_with_article(role)}, who cannot open cases"
            raise Invalid("unknown mention", [Problem(reason, "text")])
        found[user.id] = user
    return list(found.values())


def _with_article(role: str) -> str:
    return f"an {role}" if role[:1] in "aeiou" else f"a {role}"
