"""The survey definition: pages of questions, logic, piping, translations — checked as a whole when saved,
so a page never meets a condition on a question that does not exist or comes later."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

Ident = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")]
Localized = Annotated[str, StringConstraints(min_length=1, max_length=2000)] | dict[Language, str]
QuestionType = Literal[
    "nps", "csat", "ces", "rating", "single_choice", "multiple_choice", "short_text", "long_text", "matrix"
]
FIXED_SCALES: dict[str, tuple[int, int]] = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
SCORED = frozenset({"nps", "csat", "ces", "rating"})
TEXT_LIMITS = {"short_text": 500, "long_text": 5000}
PIPE = re.compile(r"\{(first_name|answer\.[a-z0-9_]+|hidden\.[a-z0-9_]+)(?:\|([^{}]*))?\}")
AttributeName = Annotated[str, StringConstraints(min_length=1, max_length=100)]
SCALARS = (str, int, float, bool)


def _segment_value(value: Any) -> Any:
    """One value, or a list of 1–100 values, each text, a number or true/false."""
    values = value if isinstance(value, list) else [value]
    if not 1 <= len(values) <= 100 or not all(isinstance(v, SCALARS) for v in values):
        raise ValueError("must be a value (text, number, true or false) or a list of 1 to 100 of them")
    return value


Segment = Annotated[
    dict[AttributeName, Annotated[Any, AfterValidator(_segment_value)]], Field(min_length=1, max_length=20)
]
"""Customer attribute conditions, all of which must hold: {"plan": "trial", "country": ["DE", "AT"]}."""
Operator = Literal["eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "answered", "not_answered"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(Strict):
    """True when an earlier answer compares to `value`: e.g. {"question": "nps", "op": "lte", "value": 6}."""

    question: Ident
    op: Operator
    value: int | float | str | list[int | float | str] | None = None

    @model_validator(mode="after")
    def _value_fits_operator(self) -> Condition:
        if self.op in ("answered", "not_answered"):
            return self
        if self.value is None:
            raise ValueError(f"the operator {self.op!r} needs a value")
        if (self.op in ("in", "not_in")) != isinstance(self.value, list):
            raise ValueError(
                f"the operator {self.op!r} takes {'a list' if self.op in ('in', 'not_in') else 'one value'}"
            )
        return self


class Choice(Strict):
    value: Ident
    label: Localized


class Question(Strict):
    id: Ident
    type: QuestionType
    text: Localized
    help: Localized | None = None
    required: bool = False
    show_if: list[Condition] = Field(default_factory=list, description="all must hold (display logic)")
    scale: tuple[int, int] | None = Field(None, description="rating and matrix: lowest and highest point")
    low_label: Localized | None = None
    high_label: Localized | None = None
    choices: list[Choice] = Field(default_factory=list)
    items: list[Choice] = Field(default_factory=list, description="matrix: the rated items")

    @model_validator(mode="after")
    def _fits_its_type(self) -> Question:
        needs_choices = self.type in ("single_choice", "multiple_choice")
        if needs_choices != bool(self.choices):
            raise ValueError(
                f"{self.id}: {'a choice question needs' if needs_choices else 'only choice questions take'} choices"
            )
        if (self.type == "matrix") != bool(self.items):
            raise ValueError(
                f"{self.id}: {'a matrix needs' if self.type == 'matrix' else 'only a matrix takes'} items"
            )
        if (self.type in ("rating", "matrix")) != (self.scale is not None):
            which = (
                "rating and matrix questions need"
                if self.scale is None
                else "only rating and matrix questions take"
            )
            raise ValueError(f"{self.id}: {which} a scale")
        low, high = self.bounds()
        if not 0 <= low < high <= low + 10:
            raise ValueError(
                f"{self.id}: the scale must go up from a low of 0 or more, with at most 11 points"
            )
        for what, options in (("choice", self.choices), ("item", self.items)):
            if len({o.value for o in options}) != len(options):
                raise ValueError(f"{self.id}: two {what}s share a value")
        return self

    def bounds(self) -> tuple[int, int]:
        return FIXED_SCALES.get(self.type) or self.scale or (0, 1)


class Page(Strict):
    show_if: list[Condition] = Field(
        default_factory=list, description="skip logic: the page is skipped unless all hold"
    )
    questions: list[Question] = Field(min_length=1, max_length=30)


class Trigger(Strict):
    """A journey event of this type invites its customer, after `delay_hours`, for a `sample` share of events."""

    event: Annotated[
        str, StringConstraints(min_length=1, max_length=100, to_lower=True, strip_whitespace=True)
    ]
    delay_hours: float = Field(0, ge=0, le=24 * 90)
    sample: float = Field(1.0, gt=0, le=1)
    channel: Literal["email", "link"] = "email"


DEFAULT_TEXT = """Hello {first_name},

{question}

Answer here (two minutes): {link}

To receive no more surveys from us: {unsubscribe}
"""
DEFAULT_HTML = """<p>Hello {first_name},</p>
<p>{question}</p>
{scale}
<p><a href="{link}">Open the survey</a></p>
<p style="font-size:small">To receive no more surveys from us, <a href="{unsubscribe}">unsubscribe</a>.</p>
"""


class EmailTemplate(BaseModel):
    """Placeholders: {first_name} {survey} {question} (the first one) {link} {unsubscribe}; in HTML also
    {scale}: the first question's points as links that open the survey with that answer filled in."""

    model_config = ConfigDict(extra="forbid")

    subject: Annotated[str, StringConstraints(min_length=1, max_length=300)] = "{survey}: one quick question"
    text: Annotated[str, StringConstraints(min_length=1, max_length=20_000)] = DEFAULT_TEXT
    html: Annotated[str | None, StringConstraints(max_length=50_000)] = DEFAULT_HTML

    @model_validator(mode="after")
    def _carries_the_unsubscribe_link(self) -> EmailTemplate:
        for part, text in (("text", self.text), ("html", self.html)):
            if text is not None and "{unsubscribe}" not in text:
                raise ValueError(f"the {part} part must carry the {{unsubscribe}} link")
        return self


REMINDER_SUBJECT = "Reminder: {survey}: one quick question"


class Reminders(Strict):
    """Emailed invitations still without a finished answer get a reminder `after_days` days after the
    invitation (and after each reminder), at most `max` of them."""

    after_days: int = Field(ge=1, le=90)
    max: int = Field(1, ge=1, le=5)
    email: EmailTemplate = Field(default_factory=lambda: EmailTemplate(subject=REMINDER_SUBJECT))


class Definition(Strict):
    """What a survey asks. Texts are a string (in the default language) or {language: text}."""

    default_language: Language = "en"
    hidden_fields: list[Ident] = Field(default_factory=list, max_length=30)
    ask_consent: bool = False
    consent_text: Localized = "May we contact you about your answers?"
    thank_you: Localized = "Thank you for your answers."
    primary: Ident | None = Field(
        None, description="the scored question that fills the record's score column"
    )
    pages: list[Page] = Field(min_length=1, max_length=20)
    triggers: list[Trigger] = Field(default_factory=list, max_length=10)
    in_app: bool = Field(False, description="offered to apps asking which survey to show a customer now")
    exclude: list[Segment] = Field(
        default_factory=list,
        max_length=20,
        description="customers in any of these segments are never invited to (or reminded of) this survey",
    )
    reminders: Reminders | None = None

    @model_validator(mode="after")
    def _refers_only_backwards(self) -> Definition:
        seen: dict[str, Question] = {}
        for number, page in enumerate(self.pages, start=1):
            self._check_conditions(page.show_if, seen, f"page {number}")
            on_page: dict[str, Question] = {}
            for question in page.questions:
                if question.id in seen or question.id in on_page:
                    raise ValueError(f"two questions have the id {question.id!r}")
                self._check_conditions(question.show_if, seen, question.id)
                self._check_piping(question, seen)
                on_page[question.id] = question
            seen.update(on_page)
        if self.primary is not None and (self.primary not in seen or seen[self.primary].type not in SCORED):
            raise ValueError(f"primary: {self.primary!r} is not a scored question (nps, csat, ces or rating)")
        return self

    @staticmethod
    def _check_conditions(conditions: list[Condition], earlier: dict[str, Question], where: str) -> None:
        for condition in conditions:
            if condition.question not in earlier:
                raise ValueError(
                    f"{where}: the condition refers to {condition.question!r}, which is not a question on an earlier page"
                )

    def _check_piping(self, question: Question, earlier: dict[str, Question]) -> None:
        texts = [question.text] if isinstance(question.text, str) else list(question.text.values())
        for text in texts:
            for match in PIPE.finditer(text):
                kind, _, name = match.group(1).partition(".")
                if kind == "answer" and name not in earlier:
                    raise ValueError(
                        f"{question.id}: {match.group(0)} pipes a question that is not on an earlier page"
                    )
                if kind == "hidden" and name not in self.hidden_fields:
                    raise ValueError(
                        f"{question.id}: {match.group(0)} pipes a hidden field not in hidden_fields"
                    )

    def languages(self) -> set[str]:
        """Every language any text is given in."""
        found = {self.default_language}
        for page in self.pages:
            for question in page.questions:
                if isinstance(question.text, dict):
                    found.update(question.text)
        return found

    def questions(self) -> list[Question]:
        return [q for page in self.pages for q in page.questions]

    def question(self, question_id: str) -> Question:
        return next(q for q in self.questions() if q.id == question_id)

    def primary_question(self) -> Question | None:
        if self.primary is not None:
            return self.question(self.primary)
        return next((q for q in self.questions() if q.type in SCORED), None)

    @model_validator(mode="after")
    def _texts_have_the_default_language(self) -> Definition:
        for question in self.questions():
            for text in (question.text, *(c.label for c in question.choices + question.items)):
                if isinstance(text, dict) and self.default_language not in text:
                    raise ValueError(
                        f"{question.id}: a text lacks the default language {self.default_language!r}"
                    )
        return self


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
CACHE_SIZE = 512
_PARSED: dict[uuid.UUID, Definition] = {}


def remembered(cache: dict[K, V], key: K, make: Callable[[], V]) -> V:
    """`cache[key]`, made on first use; a full cache is emptied, so it stays small (entries are cheap to make
    again). Only for things that never change under their key."""
    found = cache.get(key)
    if found is None:
        if len(cache) >= CACHE_SIZE:
            cache.clear()
        found = cache[key] = make()
    return found


def definition_of(version_id: uuid.UUID, raw: dict[str, Any]) -> Definition:
    """A stored version's definition, read back. Versions never change, so each is parsed once per process."""
    return remembered(_PARSED, version_id, lambda: Definition.model_validate(raw))


@dataclass(frozen=True)
class Version:
    """A stored survey version as the respondent's pages use it (versions never change once written)."""

    id: uuid.UUID
    number: int
    definition: Definition
