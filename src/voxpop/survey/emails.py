"""Invitation emails: text and HTML parts from editable templates, the first question's scale embedded (one
click opens the survey with that answer filled in), and a working unsubscribe link in every message."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Callable

from sqlalchemy.orm import Session

from voxpop.delivery import service as delivery_service
from voxpop.survey import logic
from voxpop.survey.definition import SCORED, Definition, EmailTemplate
from voxpop.survey.models import Survey, SurveyInvitation

PLACEHOLDER = re.compile(r"\{(first_name|survey|question|link|scale|unsubscribe)\}")


def first_name(name: str | None) -> str | None:
    """The first word of a customer's name, for "Hello {first_name}"."""
    return name.split()[0] if name and name.split() else None


def personal_link(base_url: str, survey: Survey, invitation: SurveyInvitation) -> str:
    return f"{base_url}/s/{survey.slug}?t={invitation.token}"


def unsubscribe_link(base_url: str, invitation: SurveyInvitation) -> str:
    return f"{base_url}/s/unsubscribe/{invitation.token}"


def send(
    session: Session,
    survey: Survey,
    definition: Definition,
    invitation: SurveyInvitation,
    to: str,
    first_name: str | None,
    base_url: str,
    template: EmailTemplate,
) -> uuid.UUID:
    """Queues the invitation email (sent after the caller commits); returns its delivery id."""
    link = personal_link(base_url, survey, invitation)
    first = definition.pages[0].questions[0]
    question = logic.pipe(
        logic.localize(first.text, definition.default_language, definition.default_language).value,
        {},
        invitation.hidden,
        first_name,
    )
    values = {
        "first_name": first_name or "",
        "survey": survey.name,
        "question": question,
        "link": link,
        "unsubscribe": unsubscribe_link(base_url, invitation),
    }
    scale = _scale(definition, link)
    return delivery_service.queue_email(
        session,
        survey.workspace_id,
        to=to,
        subject=_fill(template.subject, values, str),
        text=_fill(template.text, {**values, "scale": ""}, str),
        html=_fill(template.html, {**values, "scale": scale}, html.escape, raw={"scale"})
        if template.html
        else None,
        headers={
            "List-Unsubscribe": f"<{values['unsubscribe']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _fill(
    template: str,
    values: dict[str, str],
    escape: Callable[[str], str],
    raw: frozenset[str] | set[str] = frozenset(),
) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return values[name] if name in raw else escape(values[name])

    return PLACEHOLDER.sub(value, template)


def _scale(definition: Definition, link: str) -> str:
    """The first question's points as links, when it is a scale; empty otherwise."""
    first = definition.pages[0].questions[0]
    if first.type not in SCORED:
        return ""
    low, high = first.bounds()
    cells = "".join(
        f'<a href="{html.escape(link)}&amp;{logic.field_name(first)}={n}" '
        f'style="display:inline-block;min-width:2em;padding:.4em;margin:1px;border:1px solid #1a4fd6;'
        f'color:#1a4fd6;text-align:center;text-decoration:none">{n}</a>'
        for n in range(low, high + 1)
    )
    return f'<p role="group" aria-label="{low} to {high}">{cells}</p>'
