"""Surveys: background jobs."""

from __future__ import annotations

import uuid
from typing import Any

from voxpop.customer.schemas import CustomerIn
from voxpop.kit.jobs.queue import JobContext
from voxpop.survey import contact, reminders, repository, service
from voxpop.survey.schemas import InvitationsIn


def invite_after_event(ctx: JobContext, payload: dict[str, Any]) -> None:
    """The delayed invitation of a triggered survey; nothing when the survey is no longer live."""
    survey = repository.by_id(ctx.session, uuid.UUID(payload["survey_id"]))
    if survey is None or survey.status != "live":
        return
    data = InvitationsIn(
        customers=[CustomerIn.model_validate(payload["customer"])], channel=payload["channel"]
    )
    service.invite(ctx.session, survey.workspace_id, survey.id, data, contact.public_url())
    ctx.session.commit()


def send_reminders(ctx: JobContext, payload: dict[str, Any]) -> None:
    """The survey's reminders that are due now; then the next run is queued for the next one due."""
    survey = repository.by_id(ctx.session, uuid.UUID(payload["survey_id"]))
    if survey is None:
        return
    reminders.send_scheduled(ctx.session, survey, service.current_definition(ctx.session, survey), ctx.job_id)
    ctx.session.commit()
