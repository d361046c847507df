"""Errors the domains raise; the web layer turns them into precise JSON (or page) responses."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One precise reason something was refused: where (row or item, field) and why."""

    reason: str
    field: str | None = None
    row: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class DomainError(Exception):
    message: str
    code: str = "invalid"
    status: int = 400
    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message


class NotFound(DomainError):
    def __init__(self, what: str) -> None:
        super().__init__(f"{what} not found", code="not_found", status=404)


class Forbidden(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="forbidden", status=403)


class Unauthorized(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="unauthorized", status=401)


class Conflict(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="conflict", status=409)


class TooManyAttempts(DomainError):
    """Refused for now: try again after `retry_after` seconds (sent as the `Retry-After` header)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, code="rate_limited", status=429)
        self.retry_after = retry_after


class Invalid(DomainError):
    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message, code="invalid", status=422, problems=problems or [])


def describe_location(loc: tuple[int | str, ...]) -> str | None:
    """('customer', 'email') → 'customer.email'; list positions become [3]."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or None


def clean_message(message: str) -> str:
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def problems_from_errors(errors: list[Any], row: int | None = None) -> list[Problem]:
    """Pydantic errors as Problems: the field path and pydantic's (or our own) precise message."""
    return [
        Problem(reason=clean_message(str(e["msg"])), field=describe_location(tuple(e["loc"])), row=row)
        for e in errors
    ]
