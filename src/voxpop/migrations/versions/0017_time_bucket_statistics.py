"""time bucket statistics: PostgreSQL learns how many days, weeks, months and quarters the records span

Dashboards group records by `date_trunc(period, received_at AT TIME ZONE 'UTC')`. Without statistics on that
expression PostgreSQL guessed about 200,000 months for 10M records, sorted every matching row to group them and
spilled the sort to disk; with them it hashes into the few real groups (docs/benchmarks.md). The expressions
are the ones `voxpop.insight.fields` groups by (a test checks that they still are). PostgreSQL 14 and later
only; SQLite has no such statistics.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PERIODS = ("day", "week", "month", "quarter")
EXPRESSION_STATISTICS_FROM = 140000  # server_version_num of PostgreSQL 14


def _supported() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    return int(bind.exec_driver_sql("SHOW server_version_num").scalar_one()) >= EXPRESSION_STATISTICS_FROM


def upgrade() -> None:
    if not _supported():
        return
    for period in PERIODS:
        truncated = f"date_trunc('{period}', received_at AT TIME ZONE 'UTC')"
        op.execute(f"CREATE STATISTICS feedback_received_{period} ON ({truncated}) FROM feedback")
    op.execute("ANALYZE feedback")  # now: autovacuum would wait until a tenth of the records changed


def downgrade() -> None:
    if not _supported():
        return
    for period in PERIODS:
        op.execute(f"DROP STATISTICS IF EXISTS feedback_received_{period}")
