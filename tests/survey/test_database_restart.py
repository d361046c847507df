"""The hosted pages keep working when PostgreSQL restarts under them: a pooled connection the server ended is
replaced before use, without a ping on every checkout. A restart is simulated by ending connections as a
restart does (`pg_terminate_backend` sends the same "terminating connection" notice, then hangs up)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence

import httpx
import pytest
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from tests.factories import make_tenant
from tests.survey.factories import Respondent, create_survey
from voxpop.kit import db
from voxpop.survey.models import SurveyResponse

OTHERS = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"


@pytest.fixture
def postgres(database_url: str) -> Iterator[str]:
    if not database_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL restart (run with --backend=postgresql)")
    yield database_url


def end_connections(url: str, pids: Sequence[int] | None = None) -> None:
    """Ends these server processes (by default every other one of the database) and waits until they are
    gone."""
    admin = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        pids = list(pids if pids is not None else connection.execute(text(OTHERS)).scalars())
        connection.execute(text("SELECT pg_terminate_backend(pid) FROM unnest(:pids) AS pid"), {"pids": pids})
        deadline = time.monotonic() + 10
        while connection.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:pids)"), {"pids": pids}
        ).scalar():
            assert time.monotonic() < deadline, "the ended connections did not go"
            time.sleep(0.02)
    admin.dispose()
    assert pids, "no connection was ended"
    time.sleep(0.05)  # the notice and the hang-up reach the pooled sockets


def backend_of(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def served_by_another_backend_after_ending_its_own(url: str) -> bool:
    """Whether the app's engine, its pooled connection ended by the server, serves the next use through
    another server process (rather than failing on the dead one)."""
    engine = db.make_engine(url)
    try:
        ended = backend_of(engine)
        end_connections(url, [ended])
        return backend_of(engine) != ended
    finally:
        engine.dispose()


def test_a_pooled_connection_the_server_ended_is_replaced_before_use(postgres: str) -> None:
    assert served_by_another_backend_after_ending_its_own(postgres)


def test_a_connection_idle_a_long_time_is_pinged_before_use(
    postgres: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A connection a firewall dropped silently shows nothing on its socket: only the ping finds it dead."""
    monkeypatch.setattr(db, "_hung_up", lambda _connection: False)
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)
    assert served_by_another_backend_after_ending_its_own(postgres)


def test_a_page_saved_after_a_restart_is_saved(postgres: str, http: httpx.Client, session: Session) -> None:
    survey = create_survey(http, make_tenant(session))
    respondent = Respondent(http)
    respondent.open(survey["path"])
    assert respondent.answer({"nps": 4}).status_code == 303
    session.close()
    end_connections(postgres)
    assert respondent.answer({"improve": "Nothing, it was down"}).status_code == 303
    assert "Thank you" in respondent.html
    answers = [dict(r.answers) for r in session.scalars(select(SurveyResponse))]
    assert answers == [{"nps": 4, "improve": "Nothing, it was down"}]
