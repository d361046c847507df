"""A survey as a respondent would see it, before it is published: the draft's pages with their logic live,
in any of its languages, and nothing stored. The answers so far travel in the preview's own form."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from voxpop.survey import logic, views
from voxpop.survey.definition import Definition, Version
from voxpop.survey.models import Survey
from voxpop.survey.respond import Visit

ANSWERS_FIELD = "_preview_answers"


def visit(
    survey: Survey,
    definition: Definition,
    language: str,
    answers: dict[str, Any],
    page: int | None,
    form: Mapping[str, Sequence[str]] | None = None,
    problems: dict[str, str] | None = None,
) -> Visit:
    return Visit(
        survey=survey,
        version=Version(id=uuid.uuid4(), number=survey.current_version + 1, definition=definition),
        key="preview",
        page=page,
        language=language if language in definition.languages() else definition.default_language,
        answers=answers,
        hidden={},
        form={k: list(v) for k, v in (form or {}).items()},
        problems=problems or {},
        ask_consent=definition.ask_consent
        and page is not None
        and logic.is_last_page(definition, page, answers),
    )


def first(survey: Survey, definition: Definition, language: str) -> Visit:
    return visit(survey, definition, language, {}, logic.next_page(definition, -1, {}))


def answer(survey: Survey, definition: Definition, form: Mapping[str, list[str]]) -> Visit:
    """The page after the one sent (or the same page with its problems), as the real survey would go on."""
    language = _one(form, "_lang") or definition.default_language
    answers = _answers(form, {q.id for q in definition.questions()})
    raw_page = _one(form, "_page")
    index = int(raw_page) if raw_page.isdigit() else -1
    if not 0 <= index < len(definition.pages):
        return first(survey, definition, language)
    given, problems = logic.read_page(definition.pages[index], answers, form)
    if problems:
        return visit(survey, definition, language, answers, index, form, problems)
    merged = {**answers, **{k: v for k, v in given.items() if v is not None}}
    return visit(survey, definition, language, merged, logic.next_page(definition, index, merged))


def page_view(current: Visit, csrf_token: str) -> views.PageView:
    """The page's view with the preview's state (answers so far, language) in its hidden fields."""
    view = views.page_view(current)
    state = {
        "_lang": current.language,
        ANSWERS_FIELD: json.dumps(current.answers, ensure_ascii=False),
        "csrf_token": csrf_token,
    }
    return replace(view, start=state)


def _answers(form: Mapping[str, Sequence[str]], known: set[str]) -> dict[str, Any]:
    """The answers carried by the form, only of the survey's questions and of the shapes answers have."""
    try:
        found = json.loads(_one(form, ANSWERS_FIELD) or "{}")
    except json.JSONDecodeError:
        return {}
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if k in known and _answer_shaped(v)}


def _answer_shaped(value: Any) -> bool:
    if isinstance(value, list):
        return all(isinstance(v, str | int) for v in value)
    if isinstance(value, dict):
        return all(isinstance(v, int) for v in value.values())
    return isinstance(value, str | int)


def _one(form: Mapping[str, Sequence[str]], name: str) -> str:
    values = form.get(name) or [""]
    return str(values[0])
