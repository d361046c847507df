"""Every background job and every hook of voxpop, registered in one place.

The web app (`voxpop.app.create_app`), the Celery worker (`voxpop worker`) and every CLI command call
`register()` when they start, so each process can queue and run every job, and records stored by any of them
get the same follow-up work (`voxpop.flows`). Nothing registers itself by being imported.
"""

from __future__ import annotations

from voxpop import flows
from voxpop.case import jobs as case_jobs
from voxpop.case import sla
from voxpop.delivery import jobs as delivery_jobs
from voxpop.ingest import jobs as ingest_jobs
from voxpop.ingest import service as ingest_service
from voxpop.kit.jobs import queue
from voxpop.kit.jobs.queue import JobFunc
from voxpop.privacy import jobs as privacy_jobs
from voxpop.report import jobs as report_jobs
from voxpop.report import service as report_service
from voxpop.rule import jobs as rule_jobs
from voxpop.rule import service as rule_service
from voxpop.survey import jobs as survey_jobs
from voxpop.survey import reminders, triggers
from voxpop.text import jobs as text_jobs
from voxpop.text import service as text_service

JOBS: dict[str, JobFunc] = {
    ingest_service.RUN_IMPORT: ingest_jobs.run_import,
    text_service.ANALYSE: text_jobs.analyse,
    text_jobs.DISCOVER: text_jobs.discover,
    rule_service.EVALUATE: rule_jobs.evaluate,
    triggers.INVITE_AFTER_EVENT: survey_jobs.invite_after_event,
    reminders.SEND_DUE: survey_jobs.send_reminders,
    delivery_jobs.ATTEMPT: delivery_jobs.attempt,
    report_service.WEEKLY_JOB: report_jobs.weekly,
    privacy_jobs.WIPE_ERASED: privacy_jobs.wipe_erased,
    sla.SWEEP_JOB: case_jobs.sweep_clocks,
}
LANES = {delivery_jobs.ATTEMPT: "delivery"}
"""Jobs that run on a lane of their own in embedded mode: a webhook receiver that hangs until the attempt's
deadline must not hold up imports and analysis."""


def register() -> None:
    """Register every job and connect every hook in this process (again: changes nothing)."""
    for name, func in JOBS.items():
        queue.register(name, func, LANES.get(name, queue.DEFAULT_LANE))
    flows.connect()
