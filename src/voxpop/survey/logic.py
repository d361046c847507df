"""What a respondent sees and may answer: display and skip logic, piping, translations, answer checks.
Pure functions of a definition and the answers so far; no database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from voxpop.survey.definition import PIPE, TEXT_LIMITS, Condition, Definition, Localized, Page, Question

Answers = Mapping[str, Any]


def holds(condition: Condition, answers: Answers) -> bool:
    value = answers.get(condition.question)
    if condition.op == "answered":
        return value is not None
    if condition.op == "not_answered":
        return value is None
    if value is None:
        return False
    if condition.op in ("in", "not_in"):
        given = set(value) if isinstance(value, list) else {value}
        return bool(given & set(condition.value)) == (condition.op == "in")  # type: ignore[arg-type]
    return _compare(condition.op, value, condition.value)


def _compare(op: str, value: Any, expected: Any) -> bool:
    if isinstance(value, list):
        return any(_compare(op, v, expected) for v in value)
    if op in ("eq", "ne"):
        return (str(value) == str(expected)) == (op == "eq")
    try:
        left, right = float(value), float(expected)
    except (TypeError, ValueError):
        return False
    return {"lt": left < right, "lte": left <= right, "gt": left > right, "gte": left >= right}[op]


def all_hold(conditions: Sequence[Condition], answers: Answers) -> bool:
    return all(holds(c, answers) for c in conditions)


def visible_questions(page: Page, answers: Answers) -> list[Question]:
    return [q for q in page.questions if all_hold(q.show_if, answers)]


def next_page(definition: Definition, after: int, answers: Answers) -> int | None:
    """The first page after `after` (-1: from the start) whose skip logic lets it show and that has a visible
    question; None when the survey is done."""
    for index in range(after + 1, len(definition.pages)):
        page = definition.pages[index]
        if all_hold(page.show_if, answers) and visible_questions(page, answers):
            return index
    return None


def is_last_page(definition: Definition, index: int, answers: Answers) -> bool:
    """Whether no later page can show. Later pages may depend on this page's answers, so only a page after
    which every later page is ruled out by earlier answers alone counts as last before it is answered."""
    return all(_ruled_out(definition.pages[i], answers) for i in range(index + 1, len(definition.pages)))


def _ruled_out(page: Page, answers: Answers) -> bool:
    known = [c for c in page.show_if if c.question in answers]
    return any(not holds(c, answers) for c in known)


@dataclass(frozen=True)
class Text:
    """A text in the language it is shown in; `fallback` when the asked-for language was missing."""

    value: str
    language: str
    fallback: bool


def localize(text: Localized, language: str, default: str) -> Text:
    if isinstance(text, str):
        return Text(text, default, language != default)
    if language in text:
        return Text(text[language], language, False)
    return Text(text[default], default, True)


def pipe(text: str, answers: Answers, hidden: Mapping[str, Any], first_name: str | None) -> str:
    """Fills {first_name}, {answer.<id>} and {hidden.<name>}; `{first_name|there}` gives a fallback."""

    def fill(match: Any) -> str:
        kind, _, name = match.group(1).partition(".")
        source: Any = {"first_name": first_name, "answer": answers.get(name), "hidden": hidden.get(name)}[
            kind
        ]
        if isinstance(source, list):
            source = ", ".join(map(str, source))
        return str(source) if source not in (None, "") else (match.group(2) or "")

    return PIPE.sub(fill, text)


def choose_language(
    definition: Definition, asked: str | None, contact: str | None, accept_language: str | None
) -> str:
    """The link's `?lang=`, then the contact's language, then the browser's, then the default."""
    offered = {language.lower(): language for language in definition.languages()}
    for candidate in (asked, contact, *_accepted(accept_language)):
        for form in _forms(candidate):
            if form in offered:
                return offered[form]
    return definition.default_language


def _forms(tag: str | None) -> list[str]:
    if not tag:
        return []
    tag = tag.strip().lower()
    return [tag, tag.split("-")[0]]


def _accepted(header: str | None) -> list[str]:
    """Accept-Language tags, most preferred first."""
    weighted = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def field_name(question: Question, item: str | None = None) -> str:
    return f"q_{question.id}" + (f"__{item}" if item else "")


def read_answer(question: Question, form: Mapping[str, list[str]]) -> tuple[Any, str | None]:
    """The answer to one question from the submitted form, and why it is refused (None if it is fine)."""
    if question.type == "matrix":
        return _read_matrix(question, form)
    values = [v.strip() for v in form.get(field_name(question), []) if v.strip()]
    if not values:
        return None, "This question needs an answer." if question.required else None
    if question.type == "multiple_choice":
        return _read_choices(question, values)
    if len(values) > 1:
        return None, "Give one answer only."
    if question.type in TEXT_LIMITS:
        return _read_text(values[0], TEXT_LIMITS[question.type])
    if question.type == "single_choice":
        return _read_choices(question, values)
    return _read_score(question, values[0])


def _read_score(question: Question, raw: str) -> tuple[Any, str | None]:
    low, high = question.bounds()
    if not raw.lstrip("-").isdigit() or not low <= int(raw) <= high:
        return None, f"Choose a whole number from {low} to {high}."
    return int(raw), None


def _read_choices(question: Question, values: list[str]) -> tuple[Any, str | None]:
    allowed = {c.value for c in question.choices}
    unknown = [v for v in values if v not in allowed]
    if unknown:
        return None, f"{unknown[0][:40]!r} is not one of the choices."
    if question.type == "single_choice":
        return values[0], None
    return sorted(set(values), key=[c.value for c in question.choices].index), None


def _read_text(value: str, limit: int) -> tuple[Any, str | None]:
    if len(value) > limit:
        return None, f"Keep the answer to {limit:,} characters; it has {len(value):,}."
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in value):
        return None, "The answer contains control characters."
    return value, None


def _read_matrix(question: Question, form: Mapping[str, list[str]]) -> tuple[Any, str | None]:
    rated: dict[str, int] = {}
    for item in question.items:
        values = [v for v in form.get(field_name(question, item.value), []) if v.strip()]
        if not values:
            continue
        score, problem = _read_score(question, values[0])
        if problem:
            return None, problem
        rated[item.value] = score
    if question.required and len(rated) < len(question.items):
        return None, "Rate every item."
    return rated or None, None


def read_page(
    page: Page, answers: Answers, form: Mapping[str, list[str]]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The answers to a page's visible questions and a message per refused one (keyed by question id)."""
    given: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for question in visible_questions(page, answers):
        value, problem = read_answer(question, form)
        if problem:
            problems[question.id] = problem
        given[question.id] = value
    return given, problems
