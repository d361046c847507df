"""Session cookies: signed with a secret nobody else knows, refused when they claim to start in the future,
ended by signing out everywhere whatever times they claim, and dead after an absolute lifetime."""

from __future__ import annotations

import json
import time
from base64 import b64encode
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import itsdangerous
import pytest
from sqlalchemy.orm import Session

from tests.factories import csrf_token_in, make_user, make_workspace, sign_in
from tests.servers import serving
from voxpop.auth import service
from voxpop.kit.secret import forget_stored_secrets, secret_key
from voxpop.kit.settings import get_settings

OLD_PUBLISHED_SECRET = "voxpop-development-secret-change-me"
COOKIE = "voxpop_session"


def signed_cookie(secret: str, data: dict[str, Any]) -> str:
    """A session cookie as the app's session middleware writes one, signed with `secret`."""
    payload = b64encode(json.dumps(data).encode())
    return itsdangerous.TimestampSigner(secret).sign(payload).decode()


def signed_in_as(base_url: str, cookie: str) -> bool:
    with httpx.Client(base_url=base_url, cookies={COOKIE: cookie}) as client:
        reply = client.get("/")
    return reply.status_code == 200


def user_of(session: Session, email: str) -> Any:
    session.rollback()
    return service.user_by_email(session, email)


@pytest.fixture
def default_settings_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app as `voxpop serve` starts it with no secret set, on the test database."""
    from voxpop.app import create_app

    monkeypatch.delenv("VOXPOP_SECRET_KEY")
    monkeypatch.delenv("VOXPOP_ENV")
    monkeypatch.setenv("VOXPOP_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    forget_stored_secrets()
    try:
        with serving(create_app(), lifespan="off") as url:
            yield url
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
        forget_stored_secrets()


def test_with_default_settings_a_cookie_signed_with_the_old_published_constant_is_refused(
    default_settings_app: str, session: Session
) -> None:
    user = user_of(session, make_user(session, make_workspace(session)))
    forged = {
        "user_id": str(user.id),
        "issued_at": time.time(),
        "stamp": service.session_stamp(user),
    }
    assert not signed_in_as(default_settings_app, signed_cookie(OLD_PUBLISHED_SECRET, forged))


def session_of(user: Any, issued_at: float) -> str:
    """A cookie as the app would sign it for `user`, claiming to start at `issued_at` (only the time differs)."""
    return signed_cookie(
        secret_key(), {"user_id": str(user.id), "issued_at": issued_at, "stamp": service.session_stamp(user)}
    )


def test_a_session_claiming_to_start_in_the_future_is_refused_and_does_not_survive_sign_out(
    server_url: str, http: httpx.Client, session: Session
) -> None:
    email = make_user(session, make_workspace(session))
    user = user_of(session, email)
    assert not signed_in_as(server_url, session_of(user, time.time() + 365 * 24 * 3600))
    within_skew = session_of(user, time.time() + 30)  # clocks of two web servers may differ a little
    assert signed_in_as(server_url, within_skew)
    sign_in(http, email)
    assert http.post("/logout", data={"csrf_token": csrf_token_in(http.get("/").text)}).status_code == 303
    assert not signed_in_as(server_url, within_skew)


def test_a_session_ends_after_its_absolute_lifetime_however_busy(server_url: str, session: Session) -> None:
    user = user_of(session, make_user(session, make_workspace(session)))
    lifetime = get_settings().session_max_hours * 3600
    assert signed_in_as(server_url, session_of(user, time.time() - lifetime + 300))
    assert not signed_in_as(server_url, session_of(user, time.time() - lifetime - 300))


def test_a_new_password_ends_the_users_sessions(
    server_url: str, http: httpx.Client, session: Session
) -> None:
    from tests.factories import writing

    email = make_user(session, make_workspace(session))
    sign_in(http, email)
    assert http.get("/").status_code == 200
    with writing(session) as writer:
        service.set_password(writer, service.user_by_email(writer, email), "a different long phrase 7")
    assert http.get("/").status_code == 303
