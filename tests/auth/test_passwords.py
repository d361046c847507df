"""Users and passwords: Argon2 hashes, one error for any wrong pair, roles validated."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests.factories import make_user, make_workspace, unique, writing
from voxpop.auth import service
from voxpop.kit.errors import Conflict, Invalid, Unauthorized


def test_passwords_are_stored_as_argon2_hashes(session: Session) -> None:
    with writing(session) as writer:
        user = service.create_user(writer, "Ana@Example.com", "a long enough password")
    assert user.email == "ana@example.com"
    assert user.password_hash.startswith("$argon2id$")


def test_the_right_password_signs_in_and_any_wrong_pair_gets_the_same_error(session: Session) -> None:
    email = make_user(session, make_workspace(session), password="correct horse 1")
    assert service.authenticate(session, email.upper(), "correct horse 1").email == email
    with pytest.raises(Unauthorized) as wrong_password:
        service.authenticate(session, email, "wrong horse 1")
    with pytest.raises(Unauthorized) as unknown_user:
        service.authenticate(session, "nobody@example.com", "correct horse 1")
    assert wrong_password.value.message == unknown_user.value.message == "wrong email or password"


def test_short_passwords_duplicate_users_and_unknown_roles_are_refused(session: Session) -> None:
    workspace_id = make_workspace(session)
    with writing(session) as writer:
        with pytest.raises(Invalid):
            service.create_user(writer, "b@example.com", "short")
        service.create_user(writer, "b@example.com", "long enough pass")
        with pytest.raises(Conflict):
            service.create_user(writer, "B@example.com", "long enough pass")
        with pytest.raises(Invalid) as unknown_role:
            service.create_api_key(writer, workspace_id, role="owner")
    assert "admin, analyst, agent, viewer" in unknown_role.value.problems[0].reason


@pytest.mark.parametrize("password", ["          ", "password123", "qwertyuiop", "1234567890", "Password1!"])
def test_blank_and_common_passwords_are_refused_wherever_a_password_is_set(
    session: Session, password: str
) -> None:
    email = make_user(session, make_workspace(session))
    with writing(session) as writer:
        with pytest.raises(Invalid) as on_create:
            service.create_user(writer, unique("new") + "@example.com", password)
        with pytest.raises(Invalid) as on_change:
            service.set_password(writer, service.user_by_email(writer, email), password)
    for refused in (on_create.value, on_change.value):
        (problem,) = refused.problems
        assert problem.field == "password" and problem.reason.startswith("is too easy to guess: ")


def test_a_password_made_of_the_users_own_email_is_refused(session: Session) -> None:
    with writing(session) as writer, pytest.raises(Invalid, match="password refused"):
        service.create_user(writer, "dana.whitfield@example.com", "dana.whitfield2024")
