"""A customer has one open case at a time, whatever races: a second record joins the open case, two
evaluations opening a case at the same moment end with one case, and an old case reopens only once the
customer's newer case is resolved."""

from __future__ import annotations

import threading
import time
import uuid

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests.case.factories import customer, make_desk, move, open_case, record
from tests.factories import writing
from voxpop.case import service
from voxpop.case.access import Caller
from voxpop.case.models import CaseRecord
from voxpop.case.schemas import OpenCaseParams


def test_an_old_case_reopens_only_once_the_customers_newer_case_is_resolved(
    http: httpx.Client, session: Session
) -> None:
    desk = make_desk(session)
    who = customer()
    old = open_case(http, desk.admin, record(http, desk.admin, customer=who))["id"]
    for status in ("contacted", "resolved", "closed"):
        move(http, desk.admin, old, status)
    newer = open_case(http, desk.admin, record(http, desk.admin, customer=who))["id"]
    assert newer != old
    refused = http.post(
        f"/api/v1/cases/{old}/status", json={"status": "in_progress"}, headers=desk.admin.headers()
    )
    assert refused.status_code == 409 and newer in refused.json()["error"]["message"]
    for status in ("contacted", "resolved"):
        move(http, desk.admin, newer, status)
    assert move(http, desk.admin, old, "in_progress")["status"] == "in_progress"


def test_two_evaluations_opening_a_case_for_one_customer_at_once_end_with_one_case(
    http: httpx.Client, session: Session, database_url: str
) -> None:
    """The first opens a case and holds its transaction; the second misses that case, tries to open its own,
    waits on the database's one-open-case index, and once the first commits, joins the first's case."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: the second transaction cannot miss the first's case")
    desk = make_desk(session)
    who = customer()
    first, second = (uuid.UUID(record(http, desk.admin, customer=who)) for _ in range(2))
    caller = Caller(desk.admin.workspace_id, "rule: detractors")
    opened, commit = threading.Event(), threading.Event()
    outcomes: dict[uuid.UUID, tuple[uuid.UUID, bool]] = {}

    def open_for(feedback_id: uuid.UUID, hold: bool) -> None:
        with writing(session) as writer:
            case, created = service.open_case(writer, caller, feedback_id, OpenCaseParams())
            outcomes[feedback_id] = (case.id, created)
            if hold:
                opened.set()
                commit.wait(timeout=20)

    holder = threading.Thread(target=open_for, args=(first, True))
    holder.start()
    assert opened.wait(timeout=20)
    racer = threading.Thread(target=open_for, args=(second, False))
    racer.start()
    blocked = _waits_on_a_lock(session)
    commit.set()
    for thread in (holder, racer):
        thread.join(timeout=30)
    assert blocked, "the second transaction never waited on the first's case"
    assert outcomes[first] == (outcomes[first][0], True)
    assert outcomes[second] == (outcomes[first][0], False)
    linked = session.scalars(select(CaseRecord.feedback_id).where(CaseRecord.case_id == outcomes[first][0]))
    assert set(linked) == {first, second}


def _waits_on_a_lock(session: Session) -> bool:
    """Whether another connection to this database is waiting on a lock, within 10 s."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        waiting = session.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        ).scalar_one()
        session.rollback()
        if waiting:
            return True
        time.sleep(0.05)
    return False
