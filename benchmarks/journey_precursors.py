"""Journey precursors (issue 6): how long `insight.repository.precursor_counts` takes on a database, e.g. the
demo company's. Run it on a copy made before and after `voxpop db upgrade` to compare schema versions:

    cp var/voxpop.db /tmp/before.db
    VOXPOP_DATABASE_URL=sqlite:////tmp/before.db .venv/bin/python benchmarks/journey_precursors.py --runs 3

Prints the workspace's answer and event counts, the schema revision and each run's seconds.
"""

from __future__ import annotations

import argparse
import time

from sqlalchemy import func, select, text

from voxpop.feedback.models import Feedback
from voxpop.insight import repository
from voxpop.journey.models import JourneyEvent
from voxpop.kit.db import new_session
from voxpop.workspace.models import Workspace


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    with new_session() as session:
        workspace_id = session.scalars(select(Workspace.id).order_by(Workspace.created_at)).first()
        assert workspace_id is not None, "the database has no workspace"
        answers = session.scalar(select(func.count()).where(Feedback.workspace_id == workspace_id))
        events = session.scalar(select(func.count()).where(JourneyEvent.workspace_id == workspace_id))
        revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        print(f"answers {answers}, events {events}, schema revision {revision}")
        for run in range(1, args.runs + 1):
            started = time.perf_counter()
            rows, _ = repository.precursor_counts(session, workspace_id, args.days, "type")
            print(f"run {run}: {time.perf_counter() - started:.3f} s, {len(rows)} event types")


if __name__ == "__main__":
    main()
