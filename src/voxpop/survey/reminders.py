"""Reminders to customers who were emailed an invitation and have not finished answering: sent by the API
call and by a scheduled job through the same code, each one claimed in the database first, so no
invitation gets the same reminder twice however many senders run. The job row's `run_after` is the next
time a reminder falls due, so a restart resumes where it was."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy.orm import Session

from voxpop.customer import service as customer_service
from voxpop.kit import clock
from voxpop.kit.jobs import enqueue
from voxpop.survey import contact, emails, repository
from voxpop.survey.definition import Definition, EmailTemplate
from voxpop.survey.models import Survey

SEND_DUE = "survey.send_reminders"


def send_due(
    session: Session,
    survey: Survey,
    definition: Definition,
    after: timedelta,
    most: int,
    template: EmailTemplate,
    base_url: str,
) -> int:
    """One reminder to each emailed invitation without a finished answer whose last contact (the invitation
    or its last reminder) is `after` ago, while it has had fewer than `most`. A reminder a contact rule stops
    is recorded and ends that invitation's reminders. Returns how many were queued to send."""
    now = clock.now()
    due = repository.due_reminders(session, survey, now - after, most)
    customer_ids = [invitation.customer_id for invitation in due]
    stops = contact.stopped(
        session, survey.workspace_id, customer_ids, now, definition.exclude, count_frequency=False
    )
    details = customer_service.details_of(session, survey.workspace_id, customer_ids)
    sent = 0
    for invitation in due:
        stop = stops.get(invitation.customer_id)
        if not repository.claim_reminder(
            session, invitation, now, most if stop else invitation.reminders_sent + 1
        ):
            continue  # another sender took it meanwhile
        if stop is not None:
            contact.record(session, survey, invitation.customer_id, stop, "reminder")
            continue
        name = details.get(invitation.customer_id, {}).get("name")
        emails.send(
            session,
            survey,
            definition,
            invitation,
            invitation.customer_ref["email"],
            emails.first_name(name),
            base_url,
            template,
        )
        sent += 1
    return sent


def send_scheduled(session: Session, survey: Survey, definition: Definition, job_id: uuid.UUID) -> int:
    """The scheduled run: the survey's own reminder settings, links to the configured public address; then
    the next run is queued."""
    settings = definition.reminders
    if settings is None or survey.status != "live":
        return 0
    sent = send_due(
        session,
        survey,
        definition,
        timedelta(days=settings.after_days),
        settings.max,
        settings.email,
        contact.public_url(),
    )
    schedule(session, survey, definition, running=job_id)
    return sent


def schedule(
    session: Session, survey: Survey, definition: Definition, running: uuid.UUID | None = None
) -> None:
    """Makes sure a job runs when this survey's next reminder falls due: queues one, or moves the queued one
    earlier. Nothing when the survey sends no reminders, is not live, or has nobody left to remind."""
    settings = definition.reminders
    if settings is None or survey.status != "live":
        return
    last_contact = repository.earliest_reminder_candidate(session, survey, settings.max)
    if last_contact is None:
        return
    due = last_contact + timedelta(days=settings.after_days)
    queued = repository.queued_job(session, survey, SEND_DUE, other_than=running)
    if queued is None:
        queued = enqueue(session, SEND_DUE, {"survey_id": str(survey.id)}, survey.workspace_id)
        queued.run_after = due
    elif queued.run_after > due:
        queued.run_after = due
