"""Every answer of a survey response, as a record page shows it: each question in the survey's order, in the
survey's default language, with choices by their labels (not their stored values) and matrix items by name.
A survey response is the feedback record of source `survey:<slug>` whose external id is the response's id."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from voxpop.survey import repository
from voxpop.survey.definition import Definition, Localized, Question, definition_of
from voxpop.survey.logic import localize

SOURCE_PREFIX = "survey:"


@dataclass(frozen=True)
class Answer:
    question_id: str
    question: str
    type: str
    answer: str | None


@dataclass(frozen=True)
class ResponseAnswers:
    survey_id: uuid.UUID
    survey: str
    version: int
    completed_at: datetime | None
    answers: list[Answer]


def of_record(
    session: Session, workspace_id: uuid.UUID, source: str, external_id: str
) -> ResponseAnswers | None:
    """The answers behind a feedback record that came from a survey page (None for any other record)."""
    if not source.startswith(SOURCE_PREFIX):
        return None
    try:
        response_id = uuid.UUID(external_id)
    except ValueError:
        return None
    found = repository.response_with_version(session, workspace_id, response_id)
    if found is None:
        return None
    response, version, survey = found
    definition = definition_of(version.id, version.definition)
    answers = [_answer(definition, q, response.answers.get(q.id)) for q in definition.questions()]
    return ResponseAnswers(survey.id, survey.name, version.number, response.completed_at, answers)


def _answer(definition: Definition, question: Question, value: Any) -> Answer:
    return Answer(
        question.id, _text(definition, question.text), question.type, _shown(definition, question, value)
    )


def _text(definition: Definition, text: Localized) -> str:
    language = definition.default_language
    return localize(text, language, language).value


def _shown(definition: Definition, question: Question, value: Any) -> str | None:
    if value is None or value == "" or value == []:
        return None
    labels = {c.value: _text(definition, c.label) for c in question.choices}
    if question.type == "single_choice":
        return labels.get(str(value), str(value))
    if question.type == "multiple_choice":
        return "; ".join(labels.get(str(v), str(v)) for v in value)
    if question.type == "matrix" and isinstance(value, dict):
        items = {c.value: _text(definition, c.label) for c in question.items}
        return "; ".join(f"{items.get(k, k)}: {v}" for k, v in value.items())
    return str(value)
