"""The respondent's side: open a survey by its link, save it page by page, resume, finish.

A response exists from its first saved page on. Until then the first page's form carries what the link said
(the personal token, language, hidden fields, the version shown) and the response's secret key, so sending
the same page twice saves one response, not two. A personal link's hidden fields are read from its invitation,
never from the link's query or the form."""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from voxpop.customer import service as customer_service
from voxpop.kit import clock
from voxpop.kit.errors import Invalid, NotFound, Problem
from voxpop.kit.redaction import source_redactor
from voxpop.kit.settings import get_settings
from voxpop.survey import emails, logic, records, repository
from voxpop.survey.definition import TEXT_LIMITS, Definition, Version, definition_of, remembered
from voxpop.survey.models import Survey, SurveyInvitation, SurveyResponse, SurveyVersion

Form = Mapping[str, list[str]]
HIDDEN_VALUE_LIMIT = 200
MAX_OPEN_SECONDS = 24 * 3600
ANONYMOUS_CHANNELS = ("link", "qr", "widget")
_BY_ID: dict[uuid.UUID, Version] = {}
_BY_NUMBER: dict[tuple[uuid.UUID, datetime, int], Version] = {}


@dataclass(frozen=True)
class Start:
    """What a not-yet-saved response carries in its first page's form."""

    version: int
    language: str
    channel: str
    opened_at: int
    token: str | None = None
    hidden: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Visit:
    """One page of one response as the respondent sees it; `page` None is the thank-you page."""

    survey: Survey
    version: Version
    key: str
    page: int | None
    language: str
    answers: dict[str, Any]
    hidden: dict[str, Any]
    first_name: str | None = None
    start: Start | None = None
    form: Form = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    ask_consent: bool = False

    @property
    def definition(self) -> Definition:
        return self.version.definition


def live_survey(session: Session, slug: str) -> Survey:
    return _live(repository.by_slug(session, slug))


def _live(survey: Survey | None) -> Survey:
    if survey is None or survey.status == "draft":
        raise NotFound("survey")
    if survey.status == "closed":
        raise NotFound("survey (it is closed and no longer takes answers)")
    return survey


def _live_with_response(session: Session, slug: str, key: str) -> tuple[Survey, SurveyResponse | None]:
    """The live survey at `slug` and its response with `key` (None before the first saved page), read
    together; a key of another survey's response is refused."""
    found = repository.by_slug_with_response(session, slug, key)
    survey = _live(found[0] if found else None)
    response = found[1] if found else None
    if response is not None and response.survey_id != survey.id:
        raise NotFound("survey response")
    return survey, response


def open_link(session: Session, slug: str, query: Form, accept_language: str | None) -> Visit:
    """The first page of a new response, or (for a personal link already used) the response it started."""
    survey = live_survey(session, slug)
    token = _first(query, "t")
    invitation = _invitation(session, survey, token) if token else None
    if invitation is not None:
        started = repository.response_of_invitation(session, invitation.id)
        if started is not None:
            return _visit(session, survey, started)
    version = _version_numbered(session, survey, survey.current_version)
    definition = version.definition
    customer = (
        customer_service.get(session, survey.workspace_id, invitation.customer_id) if invitation else None
    )
    hidden = dict(invitation.hidden) if invitation else _hidden_from(definition, query)
    language = logic.choose_language(
        definition, _first(query, "lang"), customer.language if customer else None, accept_language
    )
    start = Start(
        version=version.number,
        language=language,
        channel=invitation.channel if invitation else _anonymous_channel(_first(query, "via")),
        opened_at=int(time.time()),
        token=token,
        hidden={} if invitation else hidden,  # a personal link's come from its invitation on every save
    )
    return Visit(
        survey=survey,
        version=version,
        key=secrets.token_urlsafe(18),
        page=logic.next_page(definition, -1, {}),
        language=language,
        answers={},
        hidden=hidden,
        first_name=emails.first_name(customer.name if customer else None),
        start=start,
        form={k: v for k, v in query.items() if k.startswith("q_")},
        ask_consent=_asks_consent(definition, logic.next_page(definition, -1, {}), {}),
    )


def resume(session: Session, slug: str, key: str, language: str | None) -> Visit:
    survey, response = _live_with_response(session, slug, key)
    if response is None:
        raise NotFound("survey response")
    visit = _visit(session, survey, response)
    if language and language in visit.definition.languages():
        visit = replace(visit, language=language)
    return visit


def save_page(session: Session, slug: str, key: str, form: Form) -> Visit:
    """Saves one page's answers. A page sent again, or a page of a finished response, changes nothing; a page
    with refused answers changes nothing and comes back with a message per question."""
    survey, response = _live_with_response(session, slug, key)
    start = None
    if response is None:
        start = _start_from(form)
        invitation = _invitation(session, survey, start.token) if start.token else None
        earlier = repository.response_of_invitation(session, invitation.id) if invitation else None
        if earlier is not None:
            return _visit(session, survey, earlier)
        response = _new_response(session, survey, key, start, invitation)
    visit = _visit(session, survey, response, start)
    if visit.page is None or _page_of(form) != visit.page:
        return visit
    page = visit.definition.pages[visit.page]
    given, problems = logic.read_page(page, response.answers, form)
    if problems:
        return replace(visit, form=form, problems=problems)
    _record(session, visit, response, given, form, new=start is not None)
    return _visit(session, survey, response)


def _record(
    session: Session, visit: Visit, response: SurveyResponse, given: dict[str, Any], form: Form, new: bool
) -> None:
    answers = {**response.answers, **_redacted(visit.definition, given)}
    response.answers = answers
    if visit.ask_consent and _first(form, "consent") in ("yes", "no"):
        response.consent = _first(form, "consent") == "yes"
    response.next_page = logic.next_page(
        visit.definition, visit.page if visit.page is not None else -1, answers
    )
    now = clock.now()
    response.updated_at = now
    if response.next_page is None:
        response.completed_at = now
    if new:
        repository.add(session, response)
    session.flush()
    customer = _customer_ref(session, response)
    records.store(session, visit.survey, visit.version, response, customer)


def _redacted(definition: Definition, given: dict[str, Any]) -> dict[str, Any]:
    """The page's answers with personal data in written answers replaced by placeholders (setting
    TEXT_REDACT_SOURCE), before the response or the feedback record made from it stores them."""
    redactor = source_redactor(get_settings())
    if redactor is None:
        return given
    written = {question.id for question in definition.questions() if question.type in TEXT_LIMITS}
    return {
        qid: redactor.text(value) if qid in written and isinstance(value, str) else value
        for qid, value in given.items()
    }


def _new_response(
    session: Session, survey: Survey, key: str, start: Start, invitation: SurveyInvitation | None
) -> SurveyResponse:
    version = _version_numbered(session, survey, start.version)
    definition = version.definition
    now = clock.now()
    seconds_open = now.timestamp() - start.opened_at  # the form's number, never trusted to be a real time
    opened = now - timedelta(seconds=seconds_open) if 0 <= seconds_open <= MAX_OPEN_SECONDS else now
    return SurveyResponse(
        workspace_id=survey.workspace_id,
        survey_id=survey.id,
        version_id=version.id,
        invitation_id=invitation.id if invitation else None,
        key=key,
        channel=invitation.channel if invitation else _anonymous_channel(start.channel),
        language=start.language if start.language in definition.languages() else definition.default_language,
        answers={},
        hidden=_declared(definition, invitation.hidden if invitation else start.hidden),
        consent=None,
        next_page=logic.next_page(definition, -1, {}),
        started_at=opened,
        completed_at=None,
        updated_at=now,
    )


def _visit(session: Session, survey: Survey, response: SurveyResponse, start: Start | None = None) -> Visit:
    version = _version_of(session, response)
    invitation = session.get(SurveyInvitation, response.invitation_id) if response.invitation_id else None
    name = (
        customer_service.get(session, survey.workspace_id, invitation.customer_id).name
        if invitation
        else None
    )
    return Visit(
        survey=survey,
        version=version,
        key=response.key,
        page=response.next_page,
        language=response.language,
        answers=response.answers,
        hidden=response.hidden,
        first_name=emails.first_name(name),
        start=start,
        ask_consent=_asks_consent(version.definition, response.next_page, response.answers),
    )


def _asks_consent(definition: Definition, page: int | None, answers: dict[str, Any]) -> bool:
    return definition.ask_consent and page is not None and logic.is_last_page(definition, page, answers)


def _customer_ref(session: Session, response: SurveyResponse) -> dict[str, str] | None:
    if response.invitation_id is None:
        return None
    invitation = session.get(SurveyInvitation, response.invitation_id)
    return dict(invitation.customer_ref) if invitation else None


def _invitation(session: Session, survey: Survey, token: str) -> SurveyInvitation:
    invitation = repository.invitation_by_token(session, token)
    if invitation is None or invitation.survey_id != survey.id:
        raise NotFound("personal survey link (check that the whole link was copied)")
    return invitation


def _version_of(session: Session, response: SurveyResponse) -> Version:
    """The version a response was given on, read once per process: versions never change."""

    def read() -> Version:
        found = repository.version_by_id(session, response.version_id)
        assert found is not None  # a response's version is deleted only with it
        return _parsed(found)

    return remembered(_BY_ID, response.version_id, read)


def _version_numbered(session: Session, survey: Survey, number: int) -> Version:
    """The survey's version by number, read once per survey change. The key holds the survey's `updated_at`
    because a number is taken again only after the edit that took it was rolled back, and the edit that
    takes it then gives the survey a new `updated_at`."""

    def read() -> Version:
        found = repository.version(session, survey, number)
        if found is None:
            raise Invalid(
                "the form names a survey version that does not exist", [Problem("unknown version", "_v")]
            )
        return remembered(_BY_ID, found.id, lambda: _parsed(found))

    return remembered(_BY_NUMBER, (survey.id, survey.updated_at, number), read)


def _parsed(row: SurveyVersion) -> Version:
    return Version(id=row.id, number=row.number, definition=definition_of(row.id, row.definition))


def _start_from(form: Form) -> Start:
    try:
        version, opened_at = int(_first(form, "_v") or ""), int(_first(form, "_opened") or "0")
    except ValueError:
        raise Invalid(
            "the form is damaged: reload the survey and try again", [Problem("not a number", "_v")]
        ) from None
    return Start(
        version=version,
        language=(_first(form, "_lang") or "en")[:16],
        channel=(_first(form, "_channel") or "link")[:20],
        opened_at=opened_at,
        token=_first(form, "_t") or None,
        hidden={k[2:]: v[0][:HIDDEN_VALUE_LIMIT] for k, v in form.items() if k.startswith("h_") and v},
    )


def _anonymous_channel(said: str | None) -> str:
    """How an anonymous respondent came: the QR code, the website widget, or the plain link."""
    return said if said in ANONYMOUS_CHANNELS else "link"


def _declared(definition: Definition, hidden: Mapping[str, Any]) -> dict[str, Any]:
    """The survey's declared hidden fields among these. A personal link's are its invitation's only: what
    the link's query or the first page's form says is never mixed in."""
    return {k: v for k, v in hidden.items() if k in definition.hidden_fields}


def _hidden_from(definition: Definition, query: Form) -> dict[str, str]:
    found = {name: _first(query, name) for name in definition.hidden_fields}
    return {name: _clean(value) for name, value in found.items() if value}


def _clean(value: str) -> str:
    return "".join(ch for ch in value if ch.isprintable())[:HIDDEN_VALUE_LIMIT]


def _page_of(form: Form) -> int | None:
    raw = _first(form, "_page")
    return int(raw) if raw and raw.isdigit() else None


def _first(form: Form, name: str) -> str | None:
    values = form.get(name)
    return values[0] if values else None
