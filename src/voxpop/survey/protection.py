"""Protection of the public survey pages: a size limit, a honeypot, and rate limits per address and per
address and survey. Both are keyed on what the client cannot choose (its address, the survey it posts to),
never on a form field or a response key it could make up for every post. Counters live in the web process:
with several processes each counts its own."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from functools import lru_cache

from fastapi import Request
from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.datastructures import UploadFile

from voxpop.kit.errors import DomainError, Invalid, Problem
from voxpop.web.characters import nul_problems_in_form

HONEYPOT = "website"


class SurveyLimits(BaseSettings):
    """`VOXPOP_SURVEY_*`: limits of the public survey endpoints."""

    model_config = SettingsConfigDict(env_prefix="VOXPOP_SURVEY_", extra="ignore")

    max_form_bytes: int = Field(64 * 1024, ge=1024)
    max_form_fields: int = Field(400, ge=10)
    posts_per_address_per_minute: int = Field(120, ge=1)
    posts_per_address_and_survey_per_minute: int = Field(
        30,
        ge=1,
        validation_alias=AliasChoices(
            "VOXPOP_SURVEY_POSTS_PER_ADDRESS_AND_SURVEY_PER_MINUTE",
            "VOXPOP_SURVEY_POSTS_PER_RESPONSE_PER_MINUTE",  # its name until it stopped trusting the form
        ),
    )


@lru_cache(maxsize=1)
def limits() -> SurveyLimits:
    return SurveyLimits()


class TooMany(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="rate_limited", status=429)


class TooLarge(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="too_large", status=413)


class RateLimiter:
    """Fixed one-minute windows per key; cheap, and good enough to slow a bot down."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._window = 0
        self._counts: dict[str, int] = {}

    def allow(self, key: str, per_minute: int) -> bool:
        window = int(time.monotonic() // 60)
        with self._lock:
            if window != self._window:
                self._window, self._counts = window, {}
            count = self._counts.get(key, 0) + 1
            self._counts[key] = count
        return count <= per_minute

    def reset(self) -> None:
        with self._lock:
            self._counts = {}


limiter = RateLimiter()


def check_rate(address: str, survey_slug: str) -> None:
    """Counts one post from `address` to the survey at `survey_slug`; 429 past either limit."""
    settings = limits()
    if not limiter.allow(f"ip:{address}", settings.posts_per_address_per_minute):
        raise TooMany(
            "too many answers from your address in the last minute; wait a minute and send the page again"
        )
    per_survey = settings.posts_per_address_and_survey_per_minute
    if not limiter.allow(f"survey:{address}\n{survey_slug}", per_survey):
        raise TooMany("this survey was sent too often from your address in the last minute; wait a minute")


async def read_form(request: Request) -> dict[str, list[str]]:
    """The posted form as lists of values, refused when too large, with files, or with too many fields."""
    settings = limits()
    declared = request.headers.get("content-length")
    if declared is None or not declared.isdigit() or int(declared) > settings.max_form_bytes:
        raise TooLarge(
            f"a survey page may send at most {settings.max_form_bytes:,} bytes (with a Content-Length)"
        )
    form = await request.form(max_fields=settings.max_form_fields, max_files=0)
    out: dict[str, list[str]] = {}
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            raise Invalid("a survey page takes no files", [Problem("files are not accepted", name)])
        out.setdefault(name, []).append(value)
    problems = nul_problems_in_form(out)
    if problems:
        raise Invalid("a survey page takes no NUL characters", problems)
    return out


def is_bot(form: Mapping[str, list[str]]) -> bool:
    """People never see the honeypot field; a form that fills it was filled by a program."""
    return any(v.strip() for v in form.get(HONEYPOT, []))
