"""PostgreSQL knows how many days, weeks, months and quarters the records span (migration 0017), so it hashes a
dashboard's few time groups instead of sorting every record for an imagined 200 of them. The statistics only
apply while their expressions are exactly the ones the dashboards group by: these tests fail if they drift."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from tests.factories import make_tenant
from tests.insight.test_slices import load
from voxpop.feedback.models import Feedback
from voxpop.feedback.periods import POSTGRES_TRUNCATED
from voxpop.insight.fields import field

DAYS = ("2025-01-15", "2025-04-15", "2025-07-15")  # three days, in three weeks, months and quarters
PER_DAY = 100


def records_on_three_days() -> list[dict[str, Any]]:
    """Every record at its own minute, as real records are: without statistics on the bucket, PostgreSQL
    would take the number of distinct timestamps for the number of groups."""
    return [
        {"received_at": f"{day}T{10 + minute // 60:02d}:{minute % 60:02d}:00Z"}
        for day in DAYS
        for minute in range(PER_DAY)
    ]


def estimated_groups(session: Session, period: str) -> int:
    grouping = field(period, "postgresql").grouping
    query = select(grouping, func.count()).select_from(Feedback).group_by(grouping)
    compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    plan: Any = session.execute(text(f"EXPLAIN (FORMAT JSON) {compiled}")).scalar_one()
    return int(plan[0]["Plan"]["Plan Rows"])


@pytest.fixture
def postgres(session: Session) -> Session:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("expression statistics are PostgreSQL's; SQLite plans without them")
    return session


def test_the_planner_expects_as_many_time_groups_as_there_are(http: httpx.Client, postgres: Session) -> None:
    tenant = make_tenant(postgres)
    load(http, tenant, records_on_three_days())
    postgres.execute(text("ANALYZE feedback"))
    for period in POSTGRES_TRUNCATED:
        assert estimated_groups(postgres, period) == len(DAYS), period


def test_without_the_statistics_the_planner_guesses_far_more_groups(
    http: httpx.Client, postgres: Session
) -> None:
    """The check above could not fail if the guess happened to be right anyway: it is not."""
    tenant = make_tenant(postgres)
    load(http, tenant, records_on_three_days())
    postgres.execute(text("DROP STATISTICS feedback_received_month"))  # undone by the test's rollback
    postgres.execute(text("ANALYZE feedback"))
    assert estimated_groups(postgres, "month") > 10 * len(DAYS)
