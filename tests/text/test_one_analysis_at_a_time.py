"""Two runners never analyse one workspace at once: the second analysis job leaves a continuation for later
and stops, so the records' analyses are written once (two workers analysing the same stale records broke
text_analyses' unique key on PostgreSQL)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tests.factories import make_tenant, writing
from tests.text.factories import store_texts, verbatims
from voxpop.kit import clock
from voxpop.kit.jobs import runner
from voxpop.kit.jobs.models import Job, JobStatus
from voxpop.text import service
from voxpop.text.models import TextAnalysis

pytestmark = pytest.mark.usefixtures("background_jobs_paused")


def analysis_jobs(session: Session, workspace_id: uuid.UUID, status: str) -> list[Job]:
    session.rollback()
    query = select(Job).where(Job.name == service.ANALYSE, Job.workspace_id == workspace_id)
    return list(session.scalars(query.where(Job.status == status)))


def taken_by_another_runner(session: Session, job: Job) -> runner.Claimed:
    with writing(session) as writer:
        running = {"status": JobStatus.RUNNING, "locked_at": clock.now(), "ran_by": "another-worker"}
        writer.execute(update(Job).where(Job.id == job.id).values(**running))
    return runner.Claimed(job.id, job.name, dict(job.payload))


def test_a_second_analysis_job_waits_while_another_runner_analyses_the_workspace(session: Session) -> None:
    workspace_id = make_tenant(session).workspace_id
    with writing(session) as writer:
        service.request_analysis(writer, workspace_id)
    [pending] = analysis_jobs(session, workspace_id, JobStatus.PENDING)
    first = taken_by_another_runner(session, pending)
    store_texts(session, workspace_id, [text for _, text in verbatims(4)])  # records queue another job
    [second] = analysis_jobs(session, workspace_id, JobStatus.PENDING)
    assert runner.run_job(second.id)
    counted = select(func.count()).select_from(TextAnalysis).where(TextAnalysis.workspace_id == workspace_id)
    assert session.scalar(counted) == 0, "the second job analysed while the first was running"
    [later] = analysis_jobs(session, workspace_id, JobStatus.PENDING)
    assert later.run_after > clock.now()
    runner.execute(first)
    session.rollback()
    assert session.scalar(counted) == 12
