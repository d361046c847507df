"""Cases at scale, in process, on a fresh database: opening cases through the `open_case` rule action
(round-robin in a team of 10), the inbox's first page, one SLA sweep that marks every open case, and the
recovery figures over every case closed with a follow-up answer.

    .venv/bin/python benchmarks/cases.py [--cases 5000] [--database-url postgresql+psycopg://…/empty_db]

Without --database-url a temporary SQLite file is used. Times are wall-clock on this machine; inbox and
recovery times are the median of 7 runs after one warm-up.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

BATCH = 500


def timed(func: Callable[[], Any], runs: int = 7) -> float:
    func()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/cases.db"
    os.environ.update({"VOXPOP_DATABASE_URL": url, "VOXPOP_ENV": "development"})
    run(url, args.cases)


def run(url: str, count: int) -> None:
    from voxpop import migrations, registry
    from voxpop.auth import service as auth_service
    from voxpop.case import breaches, recovery, service, setup
    from voxpop.case.access import system
    from voxpop.case.models import Status
    from voxpop.case.schemas import Filters
    from voxpop.customer.schemas import CustomerRef
    from voxpop.feedback import service as feedback_service
    from voxpop.feedback.schemas import FeedbackIn
    from voxpop.kit import clock
    from voxpop.kit.db import engine_for, new_session
    from voxpop.rule import actions
    from voxpop.rule.actions import Match
    from voxpop.workspace import service as workspace_service

    registry.register()  # every job, hook and rule action, as the app and the worker do
    migrations.upgrade(url)
    engine = engine_for(url)
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    clock.set_clock(lambda: start)
    with new_session(engine) as session:
        workspace_id = workspace_service.create(session, "bench").id
        admin = system(workspace_id, "benchmark")
        team = setup.create_team(session, admin, "Care")
        for n in range(10):
            user = auth_service.create_user(session, f"agent{n}@example.com", "correct horse 1")
            auth_service.add_member(session, user, workspace_id, "agent")
            setup.add_member(session, admin, team.id, user.email)
        records = [
            FeedbackIn(
                kind="survey_response",
                channel="email",
                source="bench",
                external_id=f"r{i}",
                received_at=start - timedelta(hours=1),
                customer=CustomerRef(email=f"c{i}@example.com"),
                text="The parcel came broken.",
                nps=i % 7,
            )
            for i in range(count)
        ]
        stored = []
        for offset in range(0, count, BATCH):
            stored += feedback_service.ingest_many(session, workspace_id, records[offset : offset + BATCH])
        session.commit()
    action = actions.get("open_case")
    params = action.check({"assignment": {"type": "round_robin", "team": "Care"}})
    began = time.perf_counter()
    for offset in range(0, count, BATCH):
        with new_session(engine) as session:
            for item in stored[offset : offset + BATCH]:
                match = Match(workspace_id, uuid.uuid4(), "bench", feedback_id=item.id)
                action.run(session, match, params)
            session.commit()
    opening = time.perf_counter() - began
    print(f"opened {count:,} cases through open_case: {count / opening:,.0f} cases/s ({opening:.1f} s)")

    clock.set_clock(lambda: start + timedelta(hours=40))
    with new_session(engine) as session:
        began = time.perf_counter()
        marks = breaches.sweep(session, workspace_id)
        session.commit()
    print(f"SLA sweep marking {marks:,} warnings: {time.perf_counter() - began:.2f} s")

    caller = system(workspace_id, "bench")  # sees every case, as an admin does
    with new_session(engine, write=False) as session:
        page = timed(lambda: service.inbox(session, caller, Filters(), 100))
        due_soon = timed(lambda: service.inbox(session, caller, Filters(sla="due_soon"), 100))
    print(
        f"inbox, first 100 by due time, all {count:,} open: {page:.1f} ms; due-soon filter: {due_soon:.1f} ms"
    )

    closing = start + timedelta(hours=50)
    clock.set_clock(lambda: closing)
    with new_session(engine) as session:
        for case in service.inbox(session, caller, Filters(status="open"), count):
            for status in (Status.CONTACTED, Status.RESOLVED, Status.CLOSED):
                service.move(session, caller, case, status)
        answers = [
            FeedbackIn(
                kind="survey_response",
                channel="email",
                source="bench-follow-up",
                external_id=f"f{i}",
                received_at=closing + timedelta(days=1),
                customer=CustomerRef(email=f"c{i}@example.com"),
                nps=(i * 3) % 11,
            )
            for i in range(0, count, 2)
        ]
        for offset in range(0, len(answers), BATCH):
            feedback_service.ingest_many(session, workspace_id, answers[offset : offset + BATCH])
        session.commit()
    with new_session(engine, write=False) as session:
        figures = recovery.figures(session, workspace_id)
        took = timed(lambda: recovery.figures(session, workspace_id))
    overall = figures.overall
    print(
        f"recovery figures over {overall.closed_cases:,} closed cases ({overall.answered_again:,} answered "
        f"again, {overall.recovered:,} recovered): {took:.1f} ms"
    )


if __name__ == "__main__":
    main()
