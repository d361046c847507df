"""Every query of the survey domain. Reads by slug, token or response key are the public pages' only way
in; everything else is scoped to a workspace."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, true, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from voxpop.kit.jobs.models import Job, JobStatus
from voxpop.survey.models import (
    Survey,
    SurveyContactRules,
    SurveyInvitation,
    SurveyResponse,
    SurveySuppression,
    SurveyUnsubscribe,
    SurveyUnsubscribedAddress,
    SurveyVersion,
)
from voxpop.workspace.models import Workspace

Row = (
    Survey
    | SurveyVersion
    | SurveyInvitation
    | SurveyResponse
    | SurveyUnsubscribe
    | SurveyUnsubscribedAddress
    | SurveySuppression
    | SurveyContactRules
)


def add(session: Session, row: Row) -> None:
    session.add(row)
    session.flush()


def get(session: Session, workspace_id: uuid.UUID, survey_id: uuid.UUID) -> Survey | None:
    return session.scalars(
        select(Survey).where(Survey.workspace_id == workspace_id, Survey.id == survey_id)
    ).first()


def by_id(session: Session, survey_id: uuid.UUID) -> Survey | None:
    """For jobs, whose payload names the survey (and which run for no caller)."""
    return session.get(Survey, survey_id)


def live_surveys(session: Session, workspace_id: uuid.UUID) -> list[Survey]:
    return list(
        session.scalars(select(Survey).where(Survey.workspace_id == workspace_id, Survey.status == "live"))
    )


def by_slug(session: Session, slug: str) -> Survey | None:
    return session.scalars(select(Survey).where(Survey.slug == slug)).first()


def slug_taken(session: Session, slug: str) -> bool:
    return session.scalar(select(func.count()).where(Survey.slug == slug)) != 0


def list_of(session: Session, workspace_id: uuid.UUID) -> list[Survey]:
    return list(
        session.scalars(
            select(Survey).where(Survey.workspace_id == workspace_id).order_by(Survey.created_at.desc())
        )
    )


def version(session: Session, survey: Survey, number: int) -> SurveyVersion | None:
    return session.scalars(
        select(SurveyVersion).where(SurveyVersion.survey_id == survey.id, SurveyVersion.number == number)
    ).first()


def version_by_id(session: Session, version_id: uuid.UUID) -> SurveyVersion | None:
    return session.get(SurveyVersion, version_id)


def versions(session: Session, survey: Survey) -> list[SurveyVersion]:
    return list(
        session.scalars(
            select(SurveyVersion)
            .where(SurveyVersion.survey_id == survey.id)
            .order_by(SurveyVersion.number.desc())
        )
    )


def invitation_by_token(session: Session, token: str) -> SurveyInvitation | None:
    return session.scalars(select(SurveyInvitation).where(SurveyInvitation.token == token)).first()


def invitations_of(
    session: Session, survey: Survey, customer_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, SurveyInvitation]:
    rows = session.scalars(
        select(SurveyInvitation).where(
            SurveyInvitation.survey_id == survey.id, SurveyInvitation.customer_id.in_(customer_ids)
        )
    )
    return {row.customer_id: row for row in rows}


def by_slug_with_response(
    session: Session, slug: str, key: str
) -> tuple[Survey, SurveyResponse | None] | None:
    """The survey at this address and the response with this key, in one query (a saved page's first read).
    The response may be another survey's: the caller refuses it."""
    row = session.execute(
        select(Survey, SurveyResponse)
        .outerjoin(SurveyResponse, SurveyResponse.key == key)
        .where(Survey.slug == slug)
    ).first()
    return (row[0], row[1]) if row is not None else None


def response_of_invitation(session: Session, invitation_id: uuid.UUID) -> SurveyResponse | None:
    return session.scalars(
        select(SurveyResponse).where(SurveyResponse.invitation_id == invitation_id)
    ).first()


def invited_by_channel(session: Session, survey: Survey) -> dict[str, int]:
    rows = session.execute(
        select(SurveyInvitation.channel, func.count())
        .where(SurveyInvitation.survey_id == survey.id)
        .group_by(SurveyInvitation.channel)
    )
    return {channel: int(count) for channel, count in rows}


def responses_for_funnel(session: Session, survey: Survey) -> list[Any]:
    """(channel, version id, answers, next page, started, completed) of every response to the survey."""
    return list(
        session.execute(
            select(
                SurveyResponse.channel,
                SurveyResponse.version_id,
                SurveyResponse.answers,
                SurveyResponse.next_page,
                SurveyResponse.started_at,
                SurveyResponse.completed_at,
            ).where(SurveyResponse.survey_id == survey.id, SurveyResponse.workspace_id == survey.workspace_id)
        )
    )


def responses_page(session: Session, survey: Survey, limit: int, offset: int) -> list[SurveyResponse]:
    return list(
        session.scalars(
            select(SurveyResponse)
            .where(SurveyResponse.survey_id == survey.id, SurveyResponse.workspace_id == survey.workspace_id)
            .order_by(SurveyResponse.started_at.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def email_ids(session: Session, survey: Survey) -> list[uuid.UUID]:
    return list(
        session.scalars(
            select(SurveyInvitation.email_id).where(
                SurveyInvitation.survey_id == survey.id, SurveyInvitation.email_id.is_not(None)
            )
        )
    )


def unsubscribed(
    session: Session, workspace_id: uuid.UUID, customer_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, datetime]:
    rows = session.execute(
        select(SurveyUnsubscribe.customer_id, SurveyUnsubscribe.created_at).where(
            SurveyUnsubscribe.workspace_id == workspace_id, SurveyUnsubscribe.customer_id.in_(customer_ids)
        )
    )
    return {c: when for c, when in rows}  # noqa: C416 (dict(result) would take it for a mapping: it has .keys())


def unsubscribed_addresses(
    session: Session, workspace_id: uuid.UUID, hashes: Sequence[str]
) -> dict[str, datetime]:
    """When each of these address hashes unsubscribed, for those kept after an erasure."""
    rows = session.execute(
        select(SurveyUnsubscribedAddress.address_hash, SurveyUnsubscribedAddress.unsubscribed_at).where(
            SurveyUnsubscribedAddress.workspace_id == workspace_id,
            SurveyUnsubscribedAddress.address_hash.in_(hashes),
        )
    )
    return {h: when for h, when in rows}  # noqa: C416 (as in `unsubscribed`)


def contact_rules(session: Session, workspace_id: uuid.UUID) -> SurveyContactRules | None:
    return session.get(SurveyContactRules, workspace_id)


def contact_rules_to_change(session: Session, workspace_id: uuid.UUID) -> SurveyContactRules | None:
    """The rules row, after locking the workspace's row until commit on PostgreSQL (FOR NO KEY UPDATE, which
    lets other writers of the workspace go on): two first saves at once wait in line instead of one failing
    on the primary key. SQLite has one writer at a time."""
    session.execute(select(Workspace.id).where(Workspace.id == workspace_id).with_for_update(key_share=True))
    return contact_rules(session, workspace_id)


def invitation_counts(
    session: Session, workspace_id: uuid.UUID, customer_ids: Sequence[uuid.UUID], since: datetime
) -> dict[uuid.UUID, int]:
    rows = session.execute(
        select(SurveyInvitation.customer_id, func.count())
        .where(
            SurveyInvitation.workspace_id == workspace_id,
            SurveyInvitation.customer_id.in_(customer_ids),
            SurveyInvitation.invited_at >= since,
        )
        .group_by(SurveyInvitation.customer_id)
    )
    return {customer_id: int(count) for customer_id, count in rows}


def last_answers(
    session: Session, workspace_id: uuid.UUID, customer_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, datetime]:
    """When each customer last finished a survey of the workspace (through a personal link)."""
    rows = session.execute(
        select(SurveyInvitation.customer_id, func.max(SurveyResponse.completed_at))
        .join(SurveyResponse, SurveyResponse.invitation_id == SurveyInvitation.id)
        .where(
            SurveyInvitation.workspace_id == workspace_id,
            SurveyInvitation.customer_id.in_(customer_ids),
            SurveyResponse.completed_at.is_not(None),
        )
        .group_by(SurveyInvitation.customer_id)
    )
    return {customer_id: when for customer_id, when in rows if when is not None}


def _unfinished_emailed(survey: Survey, most: int) -> list[Any]:
    """Conditions: the survey's emailed invitations with fewer than `most` reminders and no finished answer."""
    finished = select(SurveyResponse.invitation_id).where(
        SurveyResponse.survey_id == survey.id,
        SurveyResponse.completed_at.is_not(None),
        SurveyResponse.invitation_id.is_not(None),
    )
    return [
        SurveyInvitation.survey_id == survey.id,
        SurveyInvitation.workspace_id == survey.workspace_id,
        SurveyInvitation.channel == "email",
        SurveyInvitation.reminders_sent < most,
        SurveyInvitation.id.not_in(finished),
    ]


def _last_contact() -> Any:
    return func.coalesce(SurveyInvitation.reminded_at, SurveyInvitation.invited_at)


def due_reminders(
    session: Session, survey: Survey, contacted_before: datetime, most: int
) -> list[SurveyInvitation]:
    """Emailed invitations without a finished answer, reminded fewer than `most` times, last contacted (the
    invitation or its last reminder) at or before the cut-off."""
    return list(
        session.scalars(
            select(SurveyInvitation)
            .where(*_unfinished_emailed(survey, most), _last_contact() <= contacted_before)
            .order_by(SurveyInvitation.invited_at)
        )
    )


def earliest_reminder_candidate(session: Session, survey: Survey, most: int) -> datetime | None:
    """The earliest last contact among invitations that may still get a reminder."""
    found: datetime | None = session.scalar(
        select(func.min(_last_contact())).where(*_unfinished_emailed(survey, most))
    )
    return found


def claim_reminder(session: Session, invitation: SurveyInvitation, now: datetime, sent: int) -> bool:
    """Moves the invitation's reminder count from what was read to `sent`, only if no other sender has moved
    it meanwhile (on PostgreSQL the second sender waits for the first's commit, then finds it changed)."""
    claimed = session.execute(
        update(SurveyInvitation)
        .where(
            SurveyInvitation.id == invitation.id,
            SurveyInvitation.reminders_sent == invitation.reminders_sent,
        )
        .values(reminders_sent=sent, reminded_at=now)
        .execution_options(synchronize_session=False)
    )
    if not claimed.rowcount:  # type: ignore[attr-defined]
        return False
    set_committed_value(invitation, "reminders_sent", sent)
    set_committed_value(invitation, "reminded_at", now)
    return True


def queued_job(session: Session, survey: Survey, name: str, other_than: uuid.UUID | None) -> Job | None:
    """The pending job `name` for this survey, if any (apart from `other_than`, the job running now)."""
    rows = session.scalars(
        select(Job).where(
            Job.name == name,
            Job.workspace_id == survey.workspace_id,
            Job.status == JobStatus.PENDING,
            Job.id != other_than if other_than is not None else true(),
        )
    )
    return next((job for job in rows if job.payload.get("survey_id") == str(survey.id)), None)


def suppressed_since(
    session: Session, survey: Survey, customer_id: uuid.UUID, kind: str, rule: str, since: datetime
) -> bool:
    """Whether this contact of the customer about the survey was stopped by this rule at or after `since`."""
    found = session.scalar(
        select(SurveySuppression.id)
        .where(
            SurveySuppression.workspace_id == survey.workspace_id,
            SurveySuppression.survey_id == survey.id,
            SurveySuppression.customer_id == customer_id,
            SurveySuppression.kind == kind,
            SurveySuppression.rule == rule,
            SurveySuppression.created_at >= since,
        )
        .limit(1)
    )
    return found is not None


def invitations_of_customer(
    session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID
) -> list[tuple[SurveyInvitation, Survey, SurveyResponse | None]]:
    """Every personal link of the customer, with its survey and the answer given through it (if any)."""
    rows = session.execute(
        select(SurveyInvitation, Survey, SurveyResponse)
        .join(Survey, Survey.id == SurveyInvitation.survey_id)
        .outerjoin(SurveyResponse, SurveyResponse.invitation_id == SurveyInvitation.id)
        .where(SurveyInvitation.workspace_id == workspace_id, SurveyInvitation.customer_id == customer_id)
        .order_by(SurveyInvitation.invited_at)
    )
    return [(invitation, survey, response) for invitation, survey, response in rows]


def suppressions_of_customer(
    session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID
) -> list[SurveySuppression]:
    return list(
        session.scalars(
            select(SurveySuppression)
            .where(
                SurveySuppression.workspace_id == workspace_id, SurveySuppression.customer_id == customer_id
            )
            .order_by(SurveySuppression.created_at)
        )
    )


def erase_of_customer(session: Session, workspace_id: uuid.UUID, customer_id: uuid.UUID) -> int:
    """Deletes the customer's answers through personal links, the links, unsubscribe and stopped contacts;
    returns how many links went."""
    invitation_ids = select(SurveyInvitation.id).where(
        SurveyInvitation.workspace_id == workspace_id, SurveyInvitation.customer_id == customer_id
    )
    responses = delete(SurveyResponse).where(SurveyResponse.invitation_id.in_(invitation_ids))
    session.execute(responses, execution_options={"synchronize_session": False})
    invitations = delete(SurveyInvitation).where(
        SurveyInvitation.workspace_id == workspace_id, SurveyInvitation.customer_id == customer_id
    )
    erased = session.execute(invitations, execution_options={"synchronize_session": False})
    for model in (SurveySuppression, SurveyUnsubscribe):
        rows = delete(model).where(model.workspace_id == workspace_id, model.customer_id == customer_id)
        session.execute(rows, execution_options={"synchronize_session": False})
    return int(erased.rowcount)  # type: ignore[attr-defined]


def response_with_version(
    session: Session, workspace_id: uuid.UUID, response_id: uuid.UUID
) -> tuple[SurveyResponse, SurveyVersion, Survey] | None:
    """A response of the workspace with the survey version it was given on, and its survey."""
    row = session.execute(
        select(SurveyResponse, SurveyVersion, Survey)
        .join(SurveyVersion, SurveyVersion.id == SurveyResponse.version_id)
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(SurveyResponse.workspace_id == workspace_id, SurveyResponse.id == response_id)
    ).first()
    return (row[0], row[1], row[2]) if row is not None else None
