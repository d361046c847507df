"""Sign-in throttling: after a few free failures, wrong passwords for one account or from one address make
the next try wait longer and longer (429 with Retry-After), even with the right password, and go to the
audit log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import csrf_token_in, make_user, make_workspace, unique
from voxpop.audit.models import AuditEvent
from voxpop.kit import clock
from voxpop.kit.settings import get_settings

RIGHT = "correct horse 1"


def try_password(http: httpx.Client, email: str, password: str) -> httpx.Response:
    token = csrf_token_in(http.get("/login").text)
    return http.post("/login", data={"email": email, "password": password, "csrf_token": token})


def move_clock(seconds: float) -> None:
    moved = clock.now() + timedelta(seconds=seconds)
    offset = moved - datetime.now(UTC)
    clock.set_clock(lambda: datetime.now(UTC) + offset)


def fail_freely(http: httpx.Client, email: str) -> None:
    for _ in range(get_settings().signin_free_failures):
        assert try_password(http, email, "wrong horse 1").status_code == 401


def test_after_the_free_failures_each_wrong_password_doubles_the_wait_even_for_the_right_one(
    http: httpx.Client, session: Session
) -> None:
    email = make_user(session, make_workspace(session))
    fail_freely(http, email)
    waits = []
    for _ in range(4):
        reply = try_password(http, email, "wrong horse 1")
        assert reply.status_code == 429
        waits.append(int(reply.headers["retry-after"]))
        refused = try_password(http, email, RIGHT)
        assert refused.status_code == 429 and "too many failed sign-ins" in refused.text
        assert int(refused.headers["retry-after"]) <= waits[-1]
        move_clock(waits[-1])
    assert waits == [1, 2, 4, 8]
    assert try_password(http, email, RIGHT).status_code == 303


def test_the_wait_is_capped_and_forgotten_after_a_quiet_spell(http: httpx.Client, session: Session) -> None:
    settings = get_settings()
    email = make_user(session, make_workspace(session))
    fail_freely(http, email)
    for _ in range(14):
        reply = try_password(http, email, "wrong horse 1")
        move_clock(int(reply.headers["retry-after"]))
    assert int(reply.headers["retry-after"]) == settings.signin_max_delay_seconds
    move_clock(settings.signin_failure_memory_hours * 3600 + 1)
    assert try_password(http, email, "wrong horse 1").status_code == 401


def test_many_accounts_tried_from_one_address_make_that_address_wait(
    http: httpx.Client, session: Session
) -> None:
    email = make_user(session, make_workspace(session))
    for _ in range(get_settings().signin_free_failures_per_address):
        assert try_password(http, unique("guess") + "@example.com", "wrong horse 1").status_code == 401
    assert try_password(http, unique("guess") + "@example.com", "wrong horse 1").status_code == 429
    assert try_password(http, email, RIGHT).status_code == 429


def test_an_unknown_account_is_throttled_exactly_like_a_known_one(
    http: httpx.Client, session: Session
) -> None:
    known = make_user(session, make_workspace(session))
    replies = {}
    for email in (known, "nobody-" + unique("x") + "@example.com"):
        fail_freely(http, email)
        reply = try_password(http, email, "wrong horse 1")
        replies[email == known] = (reply.status_code, reply.headers["retry-after"])
        move_clock(60)
    assert replies[True] == replies[False] == (429, "1")


def test_throttling_is_written_to_the_audit_log_of_the_accounts_workspaces(
    http: httpx.Client, session: Session
) -> None:
    workspace_id = make_workspace(session)
    email = make_user(session, workspace_id)
    fail_freely(http, email)
    try_password(http, email, "wrong horse 1")
    try_password(http, email, RIGHT)  # refused unchecked: not another entry
    session.rollback()
    (entry,) = session.scalars(select(AuditEvent).where(AuditEvent.workspace_id == workspace_id)).all()
    assert (entry.action, entry.actor_type, entry.actor_name) == (
        "user.sign_in_throttled",
        "address",
        "127.0.0.1",
    )
    assert entry.details == {"account_failures": 6, "address_failures": 6, "retry_after_seconds": 1}
