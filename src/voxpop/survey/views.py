"""What a survey page shows: a visit turned into plain values for the template (texts translated and piped,
choices marked, errors tied to their fields)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from voxpop.survey import logic
from voxpop.survey.definition import TEXT_LIMITS, Localized, Question
from voxpop.survey.respond import Visit

SCALE_ENDS: dict[str, tuple[str, str]] = {
    "nps": ("Not at all likely", "Extremely likely"),
    "csat": ("Very dissatisfied", "Very satisfied"),
    "ces": ("Strongly disagree", "Strongly agree"),
}
UI: dict[str, dict[str, str]] = {
    "en": {
        "next": "Next",
        "submit": "Submit",
        "required": "required",
        "fallback": "Some questions have no translation in your language and are shown in {language}.",
        "errors": "Please check {count} answer(s):",
        "page": "Page {page} of {pages}",
        "yes": "Yes",
        "no": "No",
        "done": "Your answers are saved.",
        "honeypot": "Leave this field empty",
    },
    "de": {
        "next": "Weiter",
        "submit": "Absenden",
        "required": "Pflichtfeld",
        "fallback": "Einige Fragen sind nicht übersetzt und werden auf {language} angezeigt.",
        "errors": "Bitte prüfen Sie {count} Antwort(en):",
        "page": "Seite {page} von {pages}",
        "yes": "Ja",
        "no": "Nein",
        "done": "Ihre Antworten sind gespeichert.",
        "honeypot": "Dieses Feld leer lassen",
    },
    "fr": {
        "next": "Suivant",
        "submit": "Envoyer",
        "required": "obligatoire",
        "fallback": "Certaines questions ne sont pas traduites et sont affichées en {language}.",
        "errors": "Veuillez vérifier {count} réponse(s) :",
        "page": "Page {page} sur {pages}",
        "yes": "Oui",
        "no": "Non",
        "done": "Vos réponses sont enregistrées.",
        "honeypot": "Laissez ce champ vide",
    },
}
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch", "fr": "français", "es": "español", "nl": "Nederlands"}


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class Row:
    """One matrix item: its own group of scale points."""

    label: str
    name: str
    options: list[Option]


@dataclass(frozen=True)
class QuestionView:
    id: str
    type: str
    name: str
    text: str
    language: str | None
    help: str | None
    required: bool
    error: str | None
    options: list[Option] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    value: str = ""
    low_label: str = ""
    high_label: str = ""
    max_length: int = 0

    @property
    def grouped(self) -> bool:
        return self.type not in ("short_text", "long_text")


@dataclass(frozen=True)
class PageView:
    title: str
    language: str
    ui: dict[str, str]
    questions: list[QuestionView]
    page_number: int
    page_count: int
    fallback_note: str | None
    submit_label: str
    consent_text: str | None
    consent: str | None
    start: dict[str, str]
    problems: dict[str, str]


class _Texts:
    """Translates and pipes the texts of one visit, remembering whether any fell back."""

    def __init__(self, visit: Visit) -> None:
        self.visit = visit
        self.fell_back = False

    def __call__(self, text: Localized | None) -> tuple[str, str | None]:
        if text is None:
            return "", None
        found = logic.localize(text, self.visit.language, self.visit.definition.default_language)
        self.fell_back = self.fell_back or found.fallback
        piped = logic.pipe(found.value, self.visit.answers, self.visit.hidden, self.visit.first_name)
        return piped, found.language if found.fallback else None


def ui_strings(language: str) -> dict[str, str]:
    return UI.get(language.split("-")[0], UI["en"])


def page_view(visit: Visit) -> PageView:
    assert visit.page is not None
    texts = _Texts(visit)
    definition = visit.definition
    page = definition.pages[visit.page]
    questions = [_question(q, visit, texts) for q in logic.visible_questions(page, visit.answers)]
    ui = ui_strings(visit.language)
    last = logic.is_last_page(definition, visit.page, visit.answers)
    consent_text = texts(definition.consent_text)[0] if visit.ask_consent else None
    default_name = LANGUAGE_NAMES.get(definition.default_language, definition.default_language)
    return PageView(
        title=visit.survey.name,
        language=visit.language,
        ui=ui,
        questions=questions,
        page_number=visit.page + 1,
        page_count=len(definition.pages),
        fallback_note=ui["fallback"].format(language=default_name) if texts.fell_back else None,
        submit_label=ui["submit"] if last else ui["next"],
        consent_text=consent_text,
        consent=_first(visit.form, "consent"),
        start=_start_fields(visit),
        problems=visit.problems,
    )


def thanks_text(visit: Visit) -> str:
    return _Texts(visit)(visit.definition.thank_you)[0]


def _question(question: Question, visit: Visit, texts: _Texts) -> QuestionView:
    text, language = texts(question.text)
    chosen = _chosen(question, visit)
    low, high = _ends(question, texts)
    return QuestionView(
        id=question.id,
        type=question.type,
        name=logic.field_name(question),
        text=text,
        language=language,
        help=texts(question.help)[0] or None,
        required=question.required,
        error=visit.problems.get(question.id),
        options=_options(question, texts, chosen.get("", [])),
        rows=[
            Row(
                texts(item.label)[0],
                logic.field_name(question, item.value),
                _scale(question, chosen.get(item.value, [])),
            )
            for item in question.items
        ],
        value=(chosen.get("") or [""])[0],
        low_label=low,
        high_label=high,
        max_length=TEXT_LIMITS.get(question.type, 0),
    )


def _chosen(question: Question, visit: Visit) -> dict[str, list[str]]:
    """What the form had (re-shown after an error, or prefilled from the link), by matrix item ('' otherwise)."""
    if question.type == "matrix":
        return {i.value: visit.form.get(logic.field_name(question, i.value), []) for i in question.items}
    return {"": visit.form.get(logic.field_name(question), [])}


def _options(question: Question, texts: _Texts, chosen: list[str]) -> list[Option]:
    if question.choices:
        return [Option(c.value, texts(c.label)[0], c.value in chosen) for c in question.choices]
    if question.type in ("nps", "csat", "ces", "rating"):
        return _scale(question, chosen)
    return []


def _scale(question: Question, chosen: list[str]) -> list[Option]:
    low, high = question.bounds()
    return [Option(str(n), str(n), str(n) in chosen) for n in range(low, high + 1)]


def _ends(question: Question, texts: _Texts) -> tuple[str, str]:
    default = SCALE_ENDS.get(question.type, ("", ""))
    low = texts(question.low_label)[0] if question.low_label else default[0]
    high = texts(question.high_label)[0] if question.high_label else default[1]
    return low, high


def _start_fields(visit: Visit) -> dict[str, str]:
    """The hidden inputs a not-yet-saved first page carries."""
    if visit.start is None:
        return {}
    start = visit.start
    fields = {
        "_v": str(start.version),
        "_lang": start.language,
        "_channel": start.channel,
        "_opened": str(start.opened_at),
        **{f"h_{k}": str(v) for k, v in start.hidden.items()},
    }
    if start.token:
        fields["_t"] = start.token
    return fields


def _first(form: Any, name: str) -> str | None:
    values = form.get(name)
    return values[0] if values else None
