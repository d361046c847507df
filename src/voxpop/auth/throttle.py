"""Sign-in throttling: after a few free failures, each further wrong password for the same account, or from
the same network address, makes the next try wait twice as long (1 s, 2 s, 4 s … up to
`SIGNIN_MAX_DELAY_SECONDS`), even with the right password. Failures are forgotten after
`SIGNIN_FAILURE_MEMORY_HOURS` without a new one; a successful sign-in forgets the account's (not the
address's: one known account must not reset a guesser's address).

Accounts are keyed by the email typed, whether or not such a user exists, so the replies tell nothing about
which accounts exist. An IPv6 address counts by its /64 network (one host usually holds the whole /64)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from voxpop.auth import repository
from voxpop.auth.models import SignInFailures
from voxpop.kit import clock
from voxpop.kit.secret import secret_key
from voxpop.kit.settings import get_settings

KEY_PURPOSE = b"voxpop sign-in throttle\0"


@dataclass(frozen=True)
class Failure:
    """What one more wrong password did: the wait it imposes (0 while still free) and the counts."""

    wait_seconds: int
    account_failures: int
    address_failures: int


def _key(kind: str, value: str) -> str:
    message = KEY_PURPOSE + f"{kind}:{value}".encode()
    return hmac.new(secret_key().encode(), message, hashlib.sha256).hexdigest()


def _network(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)


def _keys(email: str, address: str) -> tuple[str, str]:
    return _key("account", email.strip().lower()), _key("address", _network(address))


def wait_seconds(session: Session, email: str, address: str) -> int:
    """How long this account and address must still wait before a password is checked (0: try now)."""
    now = clock.now()
    rows = repository.sign_in_failures(session, list(_keys(email, address)))
    return max((_seconds_until(row.blocked_until, now) for row in rows), default=0)


def record_failure(session: Session, email: str, address: str) -> Failure:
    settings = get_settings()
    now = clock.now()
    account_key, address_key = _keys(email, address)
    account = _count(session, account_key, now, settings.signin_free_failures)
    by_address = _count(session, address_key, now, settings.signin_free_failures_per_address)
    wait = max(_seconds_until(account.blocked_until, now), _seconds_until(by_address.blocked_until, now))
    return Failure(wait, account.failures, by_address.failures)


def record_success(session: Session, email: str, address: str) -> None:
    repository.forget_sign_in_failures(session, _keys(email, address)[0])


def _count(session: Session, key: str, now: datetime, free: int) -> SignInFailures:
    settings = get_settings()
    row = repository.sign_in_failures_to_update(session, key, now)
    if now - row.last_failure_at > timedelta(hours=settings.signin_failure_memory_hours):
        row.failures = 0
    row.failures += 1
    row.last_failure_at = now
    beyond = row.failures - free
    if beyond > 0:
        row.blocked_until = now + timedelta(
            seconds=min(settings.signin_max_delay_seconds, 2 ** min(beyond - 1, 30))
        )
    return row


def _seconds_until(when: datetime | None, now: datetime) -> int:
    return 0 if when is None or when <= now else math.ceil((when - now).total_seconds())
