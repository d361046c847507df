"""Field types shared by every way data enters (API, import, demo), each with a precise error message."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from voxpop.kit import clock
from voxpop.kit.settings import get_settings

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
PLAIN_EMAIL = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)

AttributeValue = str | int | float | bool | None
Attributes = Annotated[dict[Annotated[str, Field(min_length=1, max_length=100)], AttributeValue], Field()]


def whole_number_in(label: str, low: int, high: int) -> BeforeValidator:
    """A score that must be a whole number in [low, high]; '7', 7 and 7.0 are fine, 7.5 and True are not."""

    def check(value: Any) -> int | None:
        if value is None:
            return None
        number = _as_number(value)
        if number is None or number != int(number) or not low <= number <= high:
            raise PydanticCustomError(
                "score_range",
                "{label} must be a whole number from {low} to {high}; got {value}",
                {"label": label, "low": low, "high": high, "value": _show(value)},
            )
        return int(number)

    return BeforeValidator(check)


def number_in(label: str, low: float, high: float) -> BeforeValidator:
    def check(value: Any) -> float | None:
        if value is None:
            return None
        number = _as_number(value)
        if number is None or not low <= number <= high:
            raise PydanticCustomError(
                "score_range",
                "{label} must be a number from {low} to {high}; got {value}",
                {"label": label, "low": low, "high": high, "value": _show(value)},
            )
        return number

    return BeforeValidator(check)


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", "."))
        except ValueError:
            return None
    return None


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def parse_timestamp(value: Any) -> datetime | None:
    """ISO 8601 (with or without zone; no zone means UTC), 'YYYY-MM-DD', or Unix seconds."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        parsed = datetime.fromtimestamp(value, UTC)
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise PydanticCustomError(
                "timestamp",
                "{value} is not a date and time this importer can read; use ISO 8601 "
                "such as 2024-05-31T14:02:00Z, or set a date_format in the mapping",
                {"value": _show(value)},
            ) from None
    else:
        raise PydanticCustomError("timestamp", "expected a date and time, got {type}", {"type": type(value)})
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def not_in_future(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    limit = clock.now() + timedelta(hours=get_settings().future_tolerance_hours)
    if value > limit:
        raise PydanticCustomError(
            "future_timestamp",
            "{value} is in the future (the server's clock says {now})",
            {"value": value.isoformat(), "now": clock.now().isoformat(timespec="seconds")},
        )
    return value


Timestamp = Annotated[datetime | None, BeforeValidator(parse_timestamp), AfterValidator(not_in_future)]


FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)


def day_in_range(value: date) -> date:
    """A day a person can mean for a business event: windows of ten years either side still fit in a date."""
    if not FIRST_DAY <= value <= LAST_DAY:
        raise PydanticCustomError(
            "day_range",
            "{value} is not a day from {first} to {last}",
            {"value": value.isoformat(), "first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
        )
    return value


def is_kept_day(value: date) -> bool:
    """Whether a stored day is one `Day` accepts (rows stored before days were checked may not be)."""
    return FIRST_DAY <= value <= LAST_DAY


Day = Annotated[date, AfterValidator(day_in_range)]


def control_character(value: str, breaks_too: bool = False) -> str | None:
    """The first control character in `value` (binary data, a NUL), or None; `breaks_too` counts tab, CR and
    LF as well (for names, which hold no line)."""
    found = (_ANY_CONTROL if breaks_too else _CONTROL).search(value)
    return found.group() if found else None


def clean_text(value: str | None) -> str | None:
    """Normalises Unicode and refuses control characters (binary data) and over-long text."""
    if value is None:
        return None
    match = _CONTROL.search(value)
    if match:
        raise PydanticCustomError(
            "binary_text",
            "contains a control character {char} at position {pos}: binary data is not text",
            {"char": repr(match.group()), "pos": match.start()},
        )
    limit = get_settings().max_text_chars
    if len(value) > limit:
        raise PydanticCustomError(
            "text_too_long",
            "is {length} characters long; the limit is {limit} (setting VOXPOP_MAX_TEXT_CHARS)",
            {"length": f"{len(value):,}", "limit": f"{limit:,}"},
        )
    value = unicodedata.normalize("NFC", value).strip()
    return value or None


LongText = Annotated[str | None, AfterValidator(clean_text)]
Title = Annotated[str | None, Field(max_length=500), AfterValidator(clean_text)]


def label(max_length: int) -> Any:
    """A short name such as a channel or touchpoint: trimmed, lower-case, at most `max_length` characters."""

    def normalise(value: str | None) -> str | None:
        if value is None:
            return None
        clean_text(value)
        value = " ".join(value.split()).lower()
        return value or None

    return Annotated[str | None, Field(max_length=max_length), AfterValidator(normalise)]


def label_or(default: str, max_length: int) -> Any:
    """A `label` that falls back to `default` when it is null or blank, as when it is left out."""

    def defaulted(value: str | None) -> str:
        return value or default

    return Annotated[label(max_length), AfterValidator(defaulted)]


def required_label(max_length: int) -> Any:
    """A `label` that must be given: blank or only spaces is refused, not stored as nothing."""

    def present(value: str | None) -> str:
        if value is None:
            raise PydanticCustomError("blank", "must not be blank")
        return value

    return Annotated[label(max_length), AfterValidator(present)]


def choice(options: dict[str, str], what: str) -> BeforeValidator:
    """A value from a fixed list, given in any case, with spaces or dashes, or by a common alias."""

    def pick(value: Any) -> str | None:
        if value is None or value == "":
            return None
        key = re.sub(r"[\s\-/]+", "_", str(value).strip().lower())
        if key in options:
            return options[key]
        allowed = ", ".join(sorted(set(options.values())))
        raise PydanticCustomError(
            "choice",
            "{value} is not a {what}; use one of: {allowed}",
            {"value": _show(value), "what": what, "allowed": allowed},
        )

    return BeforeValidator(pick)


LIFECYCLE_STAGES = {
    **{s: s for s in ("awareness", "consideration", "purchase", "onboarding", "support", "loyalty", "churn")},
    "research": "consideration",
    "use": "onboarding",
    "usage": "onboarding",
    "advocacy": "loyalty",
    "end_of_relationship": "churn",
    "end": "churn",
}
LifecycleStage = Annotated[str | None, choice(LIFECYCLE_STAGES, "lifecycle stage")]


def normalise_email(value: str | None) -> str | None:
    """Lower-cased email. Plain ASCII addresses are checked by a strict pattern (fast, for bulk imports);
    anything else (Unicode, quoted parts) goes through email-validator."""
    if not value:
        return None
    lowered = value.strip().lower()
    if len(lowered) <= 254 and PLAIN_EMAIL.match(lowered):
        return lowered
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise PydanticCustomError(
            "email", "is not a valid email address: {why}", {"why": str(error)}
        ) from None
