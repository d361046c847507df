"""Contact rules against survey fatigue, across every survey of a workspace. Exclusions stop any contact
about a survey (an invitation, showing a known link in an app, a reminder): the customer unsubscribed, has
`contact_consent: false` among their attributes, or is in a segment the survey excludes. Frequency limits
stop new invitations: none past K invitations in a period, none in a quiet period after an answer (the quiet
period also holds back reminders). The limits are the workspace's own once an admin sets them, else the
`VOXPOP_SURVEY_*` defaults. Whatever a rule stops is recorded with the rule and why (an in-app ask, made on
every page view, once a day)."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.orm import Session

from voxpop.audit import service as audit
from voxpop.auth.service import Principal
from voxpop.customer import service as customer_service
from voxpop.kit import clock
from voxpop.kit.secret import secret_key
from voxpop.kit.settings import get_settings
from voxpop.survey import repository
from voxpop.survey.definition import Segment
from voxpop.survey.models import (
    Survey,
    SurveyContactRules,
    SurveySuppression,
    SurveyUnsubscribedAddress,
)
from voxpop.survey.schemas import ContactRulesIn, ContactRulesOut, MaxInvitations, PeriodDays, QuietDays

Stop = tuple[str, str]
"""(rule, why): the rule that stopped a contact, and the reason in words."""

CONSENT_ATTRIBUTE = "contact_consent"
EXCLUSIONS = frozenset({"unsubscribed", "no_consent", "segment"})
"""Rules that stop any contact about a survey, even showing a link the customer already has."""
REFUSALS = frozenset({"false", "no", "n", "0", "off"})
ADDRESS_HASH_PURPOSE = b"voxpop.survey.unsubscribed-address"
LIMITS = set(ContactRulesIn.model_fields)
"""The numbers a workspace's admins set (the `VOXPOP_SURVEY_*` settings hold their defaults)."""


class ContactRules(BaseSettings):
    """`VOXPOP_SURVEY_*`: how often a customer may be asked in a workspace whose admins set no rules of
    their own (`rules_of`), and where links in emails sent by jobs point."""

    model_config = SettingsConfigDict(env_prefix="VOXPOP_SURVEY_", extra="ignore")

    max_invitations: MaxInvitations = 3
    period_days: PeriodDays = 30
    quiet_days_after_answer: QuietDays = 14
    public_url: str = Field(
        "", description="where links in emails sent by jobs point; default http://HOST:PORT"
    )


def public_url() -> str:
    """The address survey links start with when no request tells it (emails sent by background jobs)."""
    settings = get_settings()
    return rules().public_url.rstrip("/") or f"http://{settings.host}:{settings.port}"


@lru_cache(maxsize=1)
def rules() -> ContactRules:
    """The process's settings: the default contact rules, and the public address."""
    return ContactRules()


def rules_of(session: Session, workspace_id: uuid.UUID) -> ContactRulesOut:
    """The workspace's contact rules: its own once an admin set them, else the `VOXPOP_SURVEY_*` defaults."""
    return _rules_of_row(repository.contact_rules(session, workspace_id))


def _rules_of_row(row: SurveyContactRules | None) -> ContactRulesOut:
    if row is None:
        return ContactRulesOut.model_validate(rules().model_dump(include=LIMITS))
    return ContactRulesOut.model_validate(row)


def set_rules(session: Session, caller: Principal, data: ContactRulesIn) -> ContactRulesOut:
    """Replaces the caller's workspace's contact rules; they hold for every contact from now on (invitations
    already made still count). Audited with the values before and after."""
    row = repository.contact_rules_to_change(session, caller.workspace_id)
    before = _rules_of_row(row)
    row = row or SurveyContactRules(workspace_id=caller.workspace_id)
    for name, value in data.model_dump().items():
        setattr(row, name, value)
    row.updated_at = clock.now()
    repository.add(session, row)  # inserts a new row, or flushes the change of the one read
    audit.record(
        session,
        caller.workspace_id,
        caller,
        "survey_contact_rules.set",
        "workspace",
        caller.workspace_id,
        {"before": before.model_dump(include=LIMITS), "after": data.model_dump()},
    )
    return _rules_of_row(row)


def stopped(
    session: Session,
    workspace_id: uuid.UUID,
    customer_ids: Sequence[uuid.UUID],
    now: datetime,
    exclude: Sequence[Segment] = (),
    count_frequency: bool = True,
) -> dict[uuid.UUID, Stop]:
    """(rule, why) for each customer who may not be contacted now: the exclusions, the quiet period, and
    (for a new invitation, not a reminder of one) the frequency limit, by the workspace's rules. The strongest
    rule is named."""
    limits = rules_of(session, workspace_id)
    found = _in_quiet_period(session, workspace_id, customer_ids, now, limits.quiet_days_after_answer)
    if count_frequency:
        found.update(_over_frequency(session, workspace_id, customer_ids, now, limits))
    found.update(excluded(session, workspace_id, customer_ids, exclude))
    return found


def excluded(
    session: Session, workspace_id: uuid.UUID, customer_ids: Sequence[uuid.UUID], exclude: Sequence[Segment]
) -> dict[uuid.UUID, Stop]:
    """(rule, why) for each customer who may not be contacted about this survey at all."""
    found: dict[uuid.UUID, Stop] = {}
    for customer_id, details in customer_service.details_of(session, workspace_id, customer_ids).items():
        attributes = details["attributes"]
        segment = next((s for s in exclude if in_segment(attributes, s)), None)
        if segment is not None:
            found[customer_id] = ("segment", f"in a segment this survey excludes: {_describe(segment)}")
        if _refused(attributes.get(CONSENT_ATTRIBUTE)):
            found[customer_id] = ("no_consent", f"the customer's {CONSENT_ATTRIBUTE} attribute says no")
    for customer_id, when in _unsubscribed(session, workspace_id, customer_ids).items():
        found[customer_id] = ("unsubscribed", f"unsubscribed on {when:%Y-%m-%d}")
    return found


def _unsubscribed(
    session: Session, workspace_id: uuid.UUID, customer_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, datetime]:
    """When each customer unsubscribed: themselves, or an email address of theirs that an erased customer
    unsubscribed with."""
    by_hash = {
        address_hash(workspace_id, address): customer_id
        for customer_id, address in customer_service.email_addresses(session, workspace_id, customer_ids)
    }
    kept = repository.unsubscribed_addresses(session, workspace_id, list(by_hash)) if by_hash else {}
    found = {by_hash[h]: when for h, when in kept.items()}
    found.update(repository.unsubscribed(session, workspace_id, customer_ids))
    return found


def address_hash(workspace_id: uuid.UUID, address: str) -> str:
    """HMAC-SHA256 of the workspace and the normalised address, keyed from the app's secret key: nothing in
    the database reads back as the address or can be checked against a guessed one without the key, and the
    same address hashes differently in each workspace."""
    secret = secret_key().encode()
    key = hmac.new(secret, ADDRESS_HASH_PURPOSE, hashlib.sha256).digest()
    message = f"{workspace_id}:{address.strip().lower()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def keep_unsubscribed(
    session: Session, workspace_id: uuid.UUID, addresses: Sequence[str], unsubscribed_at: datetime
) -> None:
    """Keeps a customer's unsubscribe past their erasure, as one address hash per email address."""
    hashes = {address_hash(workspace_id, address) for address in addresses}
    known = repository.unsubscribed_addresses(session, workspace_id, sorted(hashes)) if hashes else {}
    for new in sorted(hashes - set(known)):
        repository.add(
            session,
            SurveyUnsubscribedAddress(
                workspace_id=workspace_id, address_hash=new, unsubscribed_at=unsubscribed_at
            ),
        )


def in_segment(attributes: Mapping[str, Any], segment: Segment) -> bool:
    """Every condition holds: the attribute equals the value, or one of the values of a list (text compared
    without regard to case; a missing attribute matches nothing)."""
    return all(
        any(
            _same(attributes.get(name), value) for value in (wanted if isinstance(wanted, list) else [wanted])
        )
        for name, wanted in segment.items()
    )


def _same(value: Any, wanted: Any) -> bool:
    if isinstance(value, str) and isinstance(wanted, str):
        return value.casefold() == wanted.casefold()
    if _is_number(value) and _is_number(wanted):
        return bool(value == wanted)
    return type(value) is type(wanted) and bool(value == wanted)


def _is_number(value: Any) -> bool:
    """An int or float; true/false are not numbers here (True would equal 1)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _describe(segment: Segment) -> str:
    """`country = DE or AT, vip = True`, by name (PostgreSQL's JSONB keeps no key order)."""

    def values(wanted: Any) -> str:
        return " or ".join(str(v) for v in (wanted if isinstance(wanted, list) else [wanted]))

    return ", ".join(f"{name} = {values(segment[name])}" for name in sorted(segment))[:200]


def _refused(value: Any) -> bool:
    if isinstance(value, bool):
        return not value
    return value is not None and str(value).strip().casefold() in REFUSALS


def _in_quiet_period(
    session: Session, workspace_id: uuid.UUID, customer_ids: Sequence[uuid.UUID], now: datetime, days: int
) -> dict[uuid.UUID, Stop]:
    quiet_since = now - timedelta(days=days)
    return {
        customer_id: (
            "quiet_period",
            f"answered a survey on {answered:%Y-%m-%d}; no invitation for {days} days after an answer",
        )
        for customer_id, answered in repository.last_answers(session, workspace_id, customer_ids).items()
        if answered > quiet_since
    }


def _over_frequency(
    session: Session,
    workspace_id: uuid.UUID,
    customer_ids: Sequence[uuid.UUID],
    now: datetime,
    limits: ContactRulesIn,
) -> dict[uuid.UUID, Stop]:
    since = now - timedelta(days=limits.period_days)
    counts = repository.invitation_counts(session, workspace_id, customer_ids, since)
    return {
        customer_id: (
            "frequency",
            f"invited {count} times in the last {limits.period_days} days (the limit is {limits.max_invitations})",
        )
        for customer_id, count in counts.items()
        if count >= limits.max_invitations
    }


def record(
    session: Session, survey: Survey, customer_id: uuid.UUID, stop: Stop, kind: str, daily: bool = False
) -> None:
    """Keeps the contact (`invitation` or `reminder`) that a rule stopped, with the rule and why. With
    `daily` (an app asks on every page view) not again when the same rule stopped it since midnight UTC."""
    rule, why = stop
    now = clock.now()
    if daily and repository.suppressed_since(session, survey, customer_id, kind, rule, _midnight(now)):
        return
    repository.add(
        session,
        SurveySuppression(
            workspace_id=survey.workspace_id,
            survey_id=survey.id,
            customer_id=customer_id,
            kind=kind,
            rule=rule,
            detail=why,
            created_at=now,
        ),
    )


def _midnight(moment: datetime) -> datetime:
    """The start of the moment's UTC day."""
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
