"""Contact-frequency rules against survey fatigue, across every survey of a workspace: no invitation to a
customer who unsubscribed, none past K invitations in a period, none in a quiet period after an answer.
An invitation a rule stops is recorded with the rule and why."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.orm import Session

from voxpop.kit.settings import get_settings
from voxpop.survey import repository


class ContactRules(BaseSettings):
    """`VOXPOP_SURVEY_*`: how often a customer may be asked."""

    model_config = SettingsConfigDict(env_prefix="VOXPOP_SURVEY_", extra="ignore")

    max_invitations: int = Field(3, ge=1, description="invitations per customer per period, all surveys")
    period_days: int = Field(30, ge=1)
    quiet_days_after_answer: int = Field(14, ge=0)
    public_url: str = Field(
        "", description="where links in emails sent by jobs point; default http://HOST:PORT"
    )


def public_url() -> str:
    """The address survey links start with when no request tells it (emails sent by background jobs)."""
    settings = get_settings()
    return rules().public_url.rstrip("/") or f"http://{settings.host}:{settings.port}"


@lru_cache(maxsize=1)
def rules() -> ContactRules:
    return ContactRules()


def stopped(
    session: Session, workspace_id: uuid.UUID, customer_ids: Sequence[uuid.UUID], now: datetime
) -> dict[uuid.UUID, tuple[str, str]]:
    """(rule, why) for each customer who may not be invited now."""
    limits = rules()
    found: dict[uuid.UUID, tuple[str, str]] = {}
    quiet_since = now - timedelta(days=limits.quiet_days_after_answer)
    for customer_id, answered in repository.last_answers(session, workspace_id, customer_ids).items():
        if answered > quiet_since:
            found[customer_id] = (
                "quiet_period",
                f"answered a survey on {answered:%Y-%m-%d}; no invitation for "
                f"{limits.quiet_days_after_answer} days after an answer",
            )
    since = now - timedelta(days=limits.period_days)
    for customer_id, count in repository.invitation_counts(
        session, workspace_id, customer_ids, since
    ).items():
        if count >= limits.max_invitations:
            found[customer_id] = (
                "frequency",
                f"invited {count} times in the last {limits.period_days} days (the limit is {limits.max_invitations})",
            )
    for customer_id, when in repository.unsubscribed(session, workspace_id, customer_ids).items():
        found[customer_id] = ("unsubscribed", f"unsubscribed on {when:%Y-%m-%d}")
    return found
