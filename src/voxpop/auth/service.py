"""Users, memberships and API keys.

Passwords are hashed with Argon2id. API keys are 32 random bytes: a hash that is slow to compute adds nothing
against guessing such a secret, so only their SHA-256 is stored, and the visible prefix finds the row.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from voxpop.auth import passwords, repository, throttle
from voxpop.auth.models import ApiKey, Membership, User
from voxpop.auth.roles import Role, within
from voxpop.kit import clock
from voxpop.kit.errors import Conflict, Invalid, NotFound, Problem, TooManyAttempts, Unauthorized
from voxpop.kit.secret import secret_key
from voxpop.kit.settings import get_settings
from voxpop.kit.validation import normalise_email

KEY_PREFIX = "vpk_"
SESSION_STAMP_PURPOSE = b"voxpop session stamp\0"
SESSION_CLOCK_SKEW_SECONDS = 60
_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """A hash to verify against when the user does not exist, so both failures take the same time."""
    return _hasher.hash("voxpop-timing-equaliser")


@dataclass(frozen=True)
class Principal:
    """Who is calling, in which workspace, with which role."""

    workspace_id: uuid.UUID
    role: str
    user_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None


@dataclass(frozen=True)
class NewApiKey:
    key: ApiKey
    secret: str


def checked_role(role: str) -> str:
    """The role's name, or a 422 naming the roles there are."""
    return _role(role)


def _role(role: str) -> str:
    try:
        return Role(role).value
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise Invalid(f"unknown role {role!r}", [Problem(f"use one of: {allowed}", field="role")]) from None


def create_user(session: Session, email: str, password: str, name: str = "") -> User:
    try:
        email = normalise_email(email) or ""
    except ValueError as error:
        raise Invalid("invalid email", [Problem(str(error), field="email")]) from None
    passwords.check(password, email, name)
    if repository.user_by_email(session, email) is not None:
        raise Conflict(f"a user with email {email} already exists")
    user = User(email=email, name=name, password_hash=_hasher.hash(password))
    repository.add(session, user)
    return user


def add_member(session: Session, user: User, workspace_id: uuid.UUID, role: str) -> Membership:
    existing = repository.membership(session, user.id, workspace_id)
    if existing is not None:
        existing.role = _role(role)
        return existing
    membership = Membership(user_id=user.id, workspace_id=workspace_id, role=_role(role))
    repository.add(session, membership)
    return membership


def remove_member(session: Session, user: User, workspace_id: uuid.UUID) -> None:
    """Take the user out of the workspace: their pages and the API keys acting for them stop working there."""
    membership = repository.membership(session, user.id, workspace_id)
    if membership is None:
        raise NotFound(f"member {user.email}")
    repository.delete_membership(session, membership)


def deactivate_user(session: Session, user: User) -> None:
    """The user can no longer sign in; their sessions and the API keys acting for them stop working."""
    user.is_active = False
    user.sessions_valid_after = datetime.now(UTC)  # reactivating them later does not revive old cookies


def reactivate_user(session: Session, user: User) -> None:
    """The user can sign in again (with their password: sessions from before stay ended)."""
    user.is_active = True


def set_role(session: Session, user_id: uuid.UUID, workspace_id: uuid.UUID, role: str) -> Membership:
    membership = repository.membership(session, user_id, workspace_id)
    if membership is None:
        raise NotFound("member")
    membership.role = _role(role)
    return membership


def find_user(session: Session, email: str) -> User | None:
    return repository.user_by_email(session, email.strip().lower())


def user_by_email(session: Session, email: str) -> User:
    user = find_user(session, email)
    if user is None:
        raise NotFound(f"user {email}")
    return user


def authenticate(session: Session, email: str, password: str) -> User:
    """The user with this email and password; the same error, in the same time, for any wrong pair."""
    user = repository.user_by_email(session, email.strip().lower())
    try:
        _hasher.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        raise Unauthorized("wrong email or password") from None
    if user is None or not user.is_active:
        raise Unauthorized("wrong email or password")
    return user


class SignInThrottled(TooManyAttempts):
    """Too many wrong passwords for this account or from this address; `failure` is set when this attempt
    was itself a wrong password (and so started or lengthened the wait), None when it was refused unchecked."""

    def __init__(self, message: str, retry_after: int, failure: throttle.Failure | None) -> None:
        super().__init__(message, retry_after)
        self.failure = failure


def sign_in(session: Session, email: str, password: str, address: str) -> User:
    """`authenticate`, throttled per account and per address (see `auth.throttle`): a caller who must wait
    is refused before the password is checked, whether or not it is right."""
    if wait := throttle.wait_seconds(session, email, address):
        raise SignInThrottled(f"too many failed sign-ins: try again in {_duration(wait)}", wait, None)
    try:
        user = authenticate(session, email, password)
    except Unauthorized as error:
        failure = throttle.record_failure(session, email, address)
        if failure.wait_seconds:
            message = (
                f"{error.message}; too many failed sign-ins: try again in {_duration(failure.wait_seconds)}"
            )
            raise SignInThrottled(message, failure.wait_seconds, failure) from None
        raise
    throttle.record_success(session, email, address)
    return user


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutes"


def end_sessions(session: Session, user_id: uuid.UUID) -> None:
    """Sign the user out everywhere: every session's stamp changes, so even copied cookies stop working."""
    user = repository.user_by_id(session, user_id)
    if user is not None:
        user.sessions_valid_after = datetime.now(UTC)  # a session time: the wall clock (see `new_session`)


def session_stamp(user: User) -> str:
    """What a session cookie must carry to be current: it changes when the user signs out everywhere or gets
    a new password, whatever times a cookie claims."""
    ended = user.sessions_valid_after.isoformat() if user.sessions_valid_after else "never"
    message = f"{user.id}:{ended}:{user.password_hash}".encode()
    return hmac.new(secret_key().encode(), SESSION_STAMP_PURPOSE + message, hashlib.sha256).hexdigest()[:32]


def new_session(user: User) -> dict[str, Any]:
    """The signed session cookie's data for a user who just signed in. Session times are wall-clock times, like
    the cookie signature's own (the idle limit), not the app's clock that tests move."""
    return {"user_id": str(user.id), "issued_at": time.time(), "stamp": session_stamp(user)}


def session_user(session: Session, data: Mapping[str, Any]) -> User | None:
    """The active user a session cookie's data signs in, or None: no user, a sign-in time in the future or older
    than the absolute lifetime (`SESSION_MAX_HOURS`), or a stamp from before signing out everywhere."""
    try:
        user_id, issued_at, stamp = uuid.UUID(data["user_id"]), float(data["issued_at"]), str(data["stamp"])
    except (KeyError, TypeError, ValueError):
        return None
    age = time.time() - issued_at
    if not -SESSION_CLOCK_SKEW_SECONDS <= age <= get_settings().session_max_hours * 3600:
        return None
    user = repository.user_by_id(session, user_id)
    if user is None or not user.is_active or not hmac.compare_digest(stamp, session_stamp(user)):
        return None
    return user


def get_user(session: Session, user_id: uuid.UUID) -> User | None:
    return repository.user_by_id(session, user_id)


def memberships_of(session: Session, user_id: uuid.UUID) -> list[Membership]:
    return repository.memberships_of(session, user_id)


def members_of(session: Session, workspace_id: uuid.UUID) -> list[tuple[User, str]]:
    """The workspace's members and their roles, by email."""
    return repository.members_of(session, workspace_id)


def create_api_key(
    session: Session,
    workspace_id: uuid.UUID,
    role: str = "admin",
    name: str = "",
    expires_in_days: int | None = None,
    user_id: uuid.UUID | None = None,
) -> NewApiKey:
    """A new key; with `user_id` (a member of the workspace) the key acts for that user, e.g. an agent."""
    if user_id is not None and repository.membership(session, user_id, workspace_id) is None:
        raise Invalid("unknown user", [Problem("is not a member of this workspace", field="user")])
    prefix = KEY_PREFIX + secrets.token_hex(4)
    secret = f"{prefix}_{secrets.token_urlsafe(32)}"
    expires_at = clock.now() + timedelta(days=expires_in_days) if expires_in_days else None
    key = ApiKey(
        workspace_id=workspace_id,
        name=name,
        prefix=prefix,
        key_hash=_digest(secret),
        role=_role(role),
        expires_at=expires_at,
        user_id=user_id,
    )
    repository.add(session, key)
    return NewApiKey(key=key, secret=secret)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def principal_for_key(session: Session, secret: str) -> Principal:
    prefix = secret[: len(KEY_PREFIX) + 8]
    key = repository.key_by_prefix(session, prefix) if secret.startswith(KEY_PREFIX) else None
    if key is None or not hmac.compare_digest(key.key_hash, _digest(secret)):
        raise Unauthorized("invalid API key")
    now = clock.now()
    if key.revoked_at is not None:
        raise Unauthorized(f"API key {key.prefix} was revoked on {key.revoked_at:%Y-%m-%d %H:%M} UTC")
    if key.expires_at is not None and key.expires_at <= now:
        raise Unauthorized(f"API key {key.prefix} expired on {key.expires_at:%Y-%m-%d %H:%M} UTC")
    role = key.role if key.user_id is None else _role_of_users_key(session, key, key.user_id)
    return Principal(workspace_id=key.workspace_id, role=role, user_id=key.user_id, api_key_id=key.id)


def _role_of_users_key(session: Session, key: ApiKey, user_id: uuid.UUID) -> str:
    """A key tied to a user acts at most with the user's current role in the key's workspace, and not at all
    once the user is deactivated or no longer a member: checked at every use."""
    user = repository.user_by_id(session, user_id)
    if user is None or not user.is_active:
        raise Unauthorized(f"API key {key.prefix} acts for a user who has been deactivated")
    membership = repository.membership(session, user_id, key.workspace_id)
    if membership is None:
        raise Unauthorized(
            f"API key {key.prefix} acts for a user who is no longer a member of this workspace"
        )
    return within(key.role, membership.role)


KEY_USE_RESOLUTION = timedelta(minutes=5)


def key_use_is_stale(session: Session, principal: Principal) -> bool:
    """Whether the key's last-used time is old enough to be worth a write (it is kept to 5 minutes)."""
    key = repository.key_by_id(session, principal.api_key_id) if principal.api_key_id else None
    return key is not None and (
        key.last_used_at is None or clock.now() - key.last_used_at > KEY_USE_RESOLUTION
    )


def record_key_use(session: Session, principal: Principal) -> None:
    if principal.api_key_id is not None:
        repository.touch_key(session, principal.api_key_id, clock.now())


def revoke_api_key(session: Session, workspace_id: uuid.UUID, prefix: str) -> ApiKey:
    key = repository.key_in_workspace(session, workspace_id, prefix)
    if key is None:
        raise NotFound(f"API key {prefix}")
    key.revoked_at = key.revoked_at or clock.now()
    return key


def api_keys(session: Session, workspace_id: uuid.UUID) -> list[ApiKey]:
    return repository.keys_of(session, workspace_id)


def set_password(session: Session, user: User, password: str) -> None:
    """A new password; it also ends the user's sessions (their stamp changes)."""
    passwords.check(password, user.email, user.name)
    user.password_hash = _hasher.hash(password)
